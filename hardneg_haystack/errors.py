"""Exceptions raised by hardneg-haystack. Every message names the offending file, line, id or field."""

from __future__ import annotations


class HardnegError(Exception):
    """Base class for every error this library raises on purpose."""


class DataError(HardnegError, ValueError):
    """Input data is missing or malformed (the message names the file, line, id or field)."""


class ModelLoadError(HardnegError):
    """A model reference could not be resolved or loaded (the message names the model and how to get it)."""


class StoreError(HardnegError):
    """A document store is unreachable, refuses credentials, or holds an incompatible index."""


class ConfigError(HardnegError, ValueError):
    """A configuration value is invalid (the message names the field)."""


class DamagedFileError(HardnegError):
    """A file this library wrote (index.json, store.json, a run's state) cannot be read; the message names
    the file and how to rebuild it."""

    def __init__(self, path: object, message: str) -> None:
        super().__init__(message)
        self.path = path
