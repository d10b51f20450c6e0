"""The ``hardneg`` application: one error path, the shared options and console, the library-output switch."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer ships its own click
from typer.core import TyperGroup

from hardneg_haystack.cli.errors import USER_ERROR, describe
from hardneg_haystack.errors import ConfigError

console = Console()
err_console = Console(stderr=True)
_debug = {"on": os.environ.get("HARDNEG_DEBUG", "").lower() in ("1", "true", "yes")}


class _Group(TyperGroup):
    """Every command's errors end here: one line on stderr and a non-zero exit, no traceback unless --debug."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except UsageError as exc:  # a bad flag or value: one line too, not click's usage box
            if _debug["on"] or exc.ctx is None or isinstance(exc, NoArgsIsHelpError):
                raise
            hint = f" (see `{exc.ctx.command_path} --help`)"
            err_console.print(f"[bold red]error:[/] {escape(exc.format_message())}{hint}", soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            if _debug["on"]:
                raise
            message, user = describe(exc)
            err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
            raise typer.Exit(code=USER_ERROR if user else 1) from None


def _flags_without_type() -> None:
    """``--quick`` needs no ``<bool>`` beside it in ``--help``: a flag's type column stays empty."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_hardneg", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._hardneg = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_type()

app = typer.Typer(
    cls=_Group,
    help="Ensemble hard-negative mining and cross-encoder re-rankers for Haystack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

StoreOpt = Annotated[str, typer.Option(help="'memory' (embedded, persisted in the work folder) or an OpenSearch URL")]
WorkOpt = Annotated[Path, typer.Option("--work-dir", "-w", help="Work folder (index, cache, manifest)")]


QueriesOpt = Annotated[Path, typer.Option(help="BEIR folder (queries.jsonl + qrels/) or a queries JSONL file")]
SplitOpt = Annotated[str, typer.Option(help="qrels split")]
UrlOpt = Annotated[str, typer.Option(help="The running A/B server")]
ScoringPrecisionOpt = Annotated[
    str, typer.Option("--precision", help="Scoring precision: auto (bf16 where the CPU/GPU has it) | bf16 | fp32")
]
DepthOpt = Annotated[int, typer.Option(min=1, help="Ranking depth of every run (BM25's tail below the re-ranked head)")]


def _load_queries(data: Path, split: str) -> list:
    """Labelled queries from a BEIR folder's ``split`` or from a queries JSONL file."""
    from hardneg_haystack.ingest import load_beir_queries, load_queries_jsonl

    return load_beir_queries(data, split) if data.is_dir() else load_queries_jsonl(data)


def _opensearch_refusal(exc: BaseException) -> str | None:
    """``OpenSearch refused ...`` when ``exc`` (or what caused it) is an OpenSearch error, else None."""
    from opensearchpy.exceptions import TransportError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TransportError):
            info = seen.info if isinstance(seen.info, dict) else {}
            reason = (info.get("error") or {}).get("reason", "") if isinstance(info.get("error"), dict) else ""
            return f"OpenSearch refused it ({seen.status_code} {seen.error}{': ' + reason if reason else ''})"
        seen = seen.__cause__ or seen.__context__
    return None


def _require_free_port(host: str, port: int) -> None:
    """Exit 2 with one line when ``host:port`` cannot be bound (in use, or not an address of this machine),
    before a server loads anything or creates its files."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        _fail(ConfigError(f"--host {host!r} is not an address of this machine ({exc.strerror or exc})"))
        return
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as exc:
            _fail(ConfigError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (choose another --port)"))


def _fail(exc: Exception) -> None:
    if _debug["on"]:
        raise exc
    err_console.print(f"[bold red]error:[/] {escape(describe(exc)[0])}", soft_wrap=True)
    raise typer.Exit(code=USER_ERROR)


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show progress logs and the libraries' own output (load reports)")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error")] = False,
) -> None:
    _debug["on"] = _debug["on"] or debug
    from hardneg_haystack.components.telemetry import disable_unless_opted_in

    disable_unless_opted_in()  # offline by default: HAYSTACK_TELEMETRY_ENABLED=true opts in
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    _library_output(shown=verbose)
    for name in ("opensearch", "urllib3"):  # a failed retry is logged with its traceback; our error says it once
        logging.getLogger(name).setLevel(logging.NOTSET if verbose or debug else logging.CRITICAL)


#: Loggers of the libraries whose chatter (load reports, "newly initialized" notes, retries) stays behind -v.
LIBRARY_LOGGERS = ("sentence_transformers", "transformers", "datasets", "accelerate", "huggingface_hub")


def _library_output(*, shown: bool) -> None:
    """Our output is ours: the libraries' load reports, warnings and progress bars only with ``-v``.

    Set both ways, so that one process running several commands (tests, notebooks) gets what each asked for.
    transformers logs its LOAD REPORT tables and "newly initialized" notes through its own handler (not the
    root logger), so its verbosity is set too; its progress-bar switch also covers huggingface_hub's bars.
    """
    import sys
    import warnings

    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if shown else logging.ERROR)
    if "transformers" in sys.modules:  # already loaded (tests, notebooks): switch it directly
        import transformers.utils.logging as hf_logging

        (hf_logging.set_verbosity_warning if shown else hf_logging.set_verbosity_error)()
        (hf_logging.enable_progress_bar if shown else hf_logging.disable_progress_bar)()
    else:  # read when it loads; importing it here would cost seconds on every `--help`
        _our_env("TRANSFORMERS_VERBOSITY", None if shown else "error")
        _our_env("HF_HUB_DISABLE_PROGRESS_BARS", None if shown else "1")
    warnings.filters[:] = [f for f in warnings.filters if f not in _QUIET_WARNINGS]
    if not shown:  # warnings raised by any module but ours
        warnings.filters[:0] = _QUIET_WARNINGS
    if "datasets" in sys.modules:  # importing it only to silence it would cost a second at every start
        datasets = sys.modules["datasets"]
        (datasets.enable_progress_bars if shown else datasets.disable_progress_bars)()
    else:
        _our_env("HF_DATASETS_DISABLE_PROGRESS_BARS", None if shown else _OURS)


_OURS = "yes"  # how we set HF_DATASETS_DISABLE_PROGRESS_BARS (a user's own setting is left alone)
_SET_BY_US: dict[str, str] = {}


def _our_env(name: str, value: str | None) -> None:
    """Set ``name`` to ``value`` (None: unset) unless the user set it: a variable the user chose is left alone."""
    if name in os.environ and _SET_BY_US.get(name) != os.environ[name]:
        return
    if value is None:
        os.environ.pop(name, None)
        _SET_BY_US.pop(name, None)
    else:
        os.environ[name] = _SET_BY_US[name] = value


_QUIET_WARNINGS: list[tuple] = [("ignore", None, Warning, re.compile(r"(?!hardneg_haystack)"), 0)]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) or "-"
    return str(value)


def _steps_on(progress: Any, description: str) -> Callable[[int], Callable[[int], None]]:
    """``step_progress`` for the trainer: given the total steps, adds a task to ``progress`` and returns its advance."""

    def step_progress(total: int) -> Callable[[int], None]:
        task = progress.add_task(description, total=total)
        return lambda n: progress.advance(task, n)

    return step_progress


@contextmanager
def _step_bar(description: str) -> Iterator[Callable[[int], Callable[[int], None]]]:
    """Our progress bar of optimiser steps: yields ``step_progress`` (given the total, returns its advance)."""
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        yield _steps_on(progress, description)
