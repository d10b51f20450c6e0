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


def first_line(text: str, limit: int = 300) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters."""
    line = next((s.strip() for s in str(text).splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def yaml_problem(exc: BaseException) -> str | None:
    """``not valid YAML at line L, column C: <problem>`` for a YAML parse error, None for any other error."""
    import yaml

    if not isinstance(exc, yaml.YAMLError):
        return None
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or first_line(str(exc))
    return f"not valid YAML{where}: {problem}"


def opensearch_problem(exc: BaseException) -> str | None:
    """One line for an OpenSearch client error (unreachable, or the request refused), None for any other."""
    try:
        from opensearchpy.exceptions import ConnectionError as OSConnectionError
        from opensearchpy.exceptions import TransportError
    except ImportError:  # pragma: no cover - opensearch is a core dependency
        return None
    if isinstance(exc, OSConnectionError):
        return f"OpenSearch is unreachable ({first_line(str(exc), 160)}): is the cluster running?"
    if isinstance(exc, TransportError):
        return f"OpenSearch refused the request: {first_line(str(exc))}"
    return None
