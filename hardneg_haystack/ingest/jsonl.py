"""Line-by-line JSONL reading with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hardneg_haystack.errors import DataError


def utf8_lines(path: str | Path) -> Iterator[str]:
    """The lines of ``path`` (line ends kept), decoded one by one so that a byte that is not UTF-8 raises a
    DataError naming the file, line and column (a text-mode file decodes whole chunks and knows neither)."""
    path = Path(path)
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                yield raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 1].hex()
                column = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
                raise DataError(
                    f"{path}:{lineno}: not UTF-8 text (byte 0x{bad} at column {column}: {exc.reason}); "
                    "convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8"
                ) from exc


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)``; blank lines are skipped, a malformed line raises DataError."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    for lineno, line in enumerate(utf8_lines(path), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{lineno}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        yield lineno, obj
