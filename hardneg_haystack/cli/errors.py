"""One line for every error the CLI meets: what went wrong and, where we know it, which file and how to fix it.

:func:`describe` turns an exception into ``(message, is_user_error)``; the CLI prints the message (no
traceback unless ``--debug``) and exits 2 for a user error (bad file, flag, config value, YAML, unreachable
store), 1 for anything else (a bug: the message says to rerun with ``--debug`` and report it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hardneg_haystack.errors import ConfigError, HardnegError, first_line, opensearch_problem, yaml_problem

USER_ERROR = 2
INTERNAL_ERROR = 1


def _pipeline_problem(exc: BaseException) -> str | None:
    from haystack.core.errors import DeserializationError, PipelineError

    if not isinstance(exc, (DeserializationError, PipelineError)):
        return None
    cause = exc.__cause__
    if cause is not None and (yaml_msg := yaml_problem(cause)):
        return f"pipeline {yaml_msg}"
    text = str(exc)
    if text.startswith("Refusing to deserialize"):
        module = text.split("'")[1] if text.count("'") >= 2 else "?"
        return (
            f"refused to load a component from module {module!r}: it is not on the trusted-module allowlist "
            "(only hardneg_haystack, haystack and haystack_integrations components load; load YAML from sources "
            "you trust)"
        )
    return f"pipeline could not be loaded: {first_line(text)}"


def describe(exc: BaseException) -> tuple[str, bool]:
    """``(one-line message, is a user error)`` for ``exc``."""
    if isinstance(exc, HardnegError):
        return " ".join(str(exc).split()), True
    if msg := _pipeline_problem(exc):
        return msg, True
    if msg := yaml_problem(exc):
        return msg, True
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc.__class__.__name__}", True
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start}): convert it to UTF-8", True
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", True
    if msg := opensearch_problem(exc):
        return msg, True
    text = first_line(str(exc)) or "(no message)"
    return (
        f"unexpected {exc.__class__.__name__}: {text} (rerun with --debug for the traceback, and please report it)",
        False,
    )


@contextmanager
def naming(path: str | Path, what: str = "file") -> Iterator[None]:
    """Re-raise a user error met while reading ``path`` as a :class:`ConfigError` that names the file."""
    try:
        yield
    except HardnegError:
        raise
    except Exception as exc:  # noqa: BLE001 - classified below; bugs pass through unchanged
        message, user = describe(exc)
        if not user:
            raise
        raise ConfigError(f"{path}: {what} {message}" if what else f"{path}: {message}") from exc
