"""Documents from BEIR corpora, JSONL and CSV files (ids kept, bad rows named by file and line)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from haystack import Document

from hardneg_haystack.errors import DataError
from hardneg_haystack.ingest.jsonl import iter_jsonl, utf8_lines

ID_FIELDS = ("_id", "id", "doc_id", "docid")
TEXT_FIELDS = ("text", "content", "body")


def _pick(record: dict[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        if name in record and record[name] is not None:
            return record[name]
    return None


def make_document(
    doc_id: str, text: str, *, title: str = "", meta: dict[str, Any] | None = None, where: str = ""
) -> Document:
    """A Document with an explicit id; title (if any) leads the content and is kept in meta."""
    doc_id = str(doc_id).strip()
    if not doc_id:
        raise DataError(f"{where}: document has an empty id")
    text = (text or "").strip()
    title = (title or "").strip()
    if not text and not title:
        raise DataError(f"{where}: document {doc_id!r} is empty (no text and no title)")
    content = f"{title}\n{text}" if title and text else (text or title)
    meta = dict(meta or {})
    if title:
        meta["title"] = title
    return Document(id=doc_id, content=content, meta=meta)


def read_records_file(
    path: str | Path,
    *,
    id_field: str | None = None,
    text_field: str | None = None,
    title_field: str | None = "title",
    skip_empty: bool = False,
) -> list[Document]:
    """Read documents from a ``.jsonl`` or ``.csv`` file.

    Ids come from ``id_field`` (default: the first of ``_id``, ``id``, ``doc_id``, ``docid``), text
    from ``text_field`` (default: ``text``, ``content``, ``body``); other fields go to meta (a
    ``metadata`` dict is merged in). Duplicate ids and empty documents raise :class:`DataError` naming
    the file, line and id, unless ``skip_empty`` drops empty ones.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        rows = _iter_csv(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        rows = iter_jsonl(path)
    else:
        raise DataError(f"{path}: unsupported document file type {path.suffix!r} (use .jsonl or .csv)")
    docs: list[Document] = []
    seen: dict[str, int] = {}
    id_names = (id_field,) if id_field else ID_FIELDS
    text_names = (text_field,) if text_field else TEXT_FIELDS
    for lineno, rec in rows:
        where = f"{path}:{lineno}"
        doc_id = _pick(rec, id_names)
        if doc_id is None:
            raise DataError(f"{where}: missing id field (looked for {', '.join(id_names)})")
        doc_id = str(doc_id)
        if doc_id in seen:
            raise DataError(f"{where}: duplicate document id {doc_id!r} (first seen on line {seen[doc_id]})")
        seen[doc_id] = lineno
        text = _pick(rec, text_names)
        title = rec.get(title_field) if title_field else None
        used = {*id_names, *text_names, title_field, "metadata"}
        meta = {k: v for k, v in rec.items() if k not in used}
        if isinstance(rec.get("metadata"), dict):
            meta.update(rec["metadata"])
        if skip_empty and not str(text or "").strip() and not str(title or "").strip():
            continue
        docs.append(make_document(doc_id, str(text or ""), title=str(title or ""), meta=meta, where=where))
    if not docs:
        raise DataError(f"{path}: no documents found")
    return docs


def _iter_csv(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """``(line where the row starts, {header: value})`` per row, read strictly: a quote never closed (which a
    lenient reader would let swallow every row after it) or a row whose field count differs from the header's
    is a DataError naming the line. Blank lines are skipped; a quoted field may span lines."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    reader = csv.reader(utf8_lines(path), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{path}: empty CSV file (no header row)") from None
    except csv.Error as exc:
        raise DataError(f"{path}:1: malformed CSV header ({exc})") from None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            hint = ": a quote opened in this row is never closed" if "end of data" in str(exc) else ""
            raise DataError(f"{path}:{start}: malformed CSV ({exc}){hint}") from None
        if not row:
            continue
        if len(row) != len(header):
            raise DataError(
                f"{path}:{start}: {len(row)} fields where the header has {len(header)} ({', '.join(header)})"
            )
        yield start, dict(zip(header, row, strict=True))


def load_documents(source: str | Path, **kwargs: Any) -> list[Document]:
    """Documents from a BEIR folder (``corpus.jsonl``), a JSONL/CSV file, or a folder of files."""
    from hardneg_haystack.ingest.files import convert_folder

    source = Path(source)
    if source.is_dir():
        corpus = source / "corpus.jsonl"
        if corpus.is_file():
            return read_records_file(corpus, **kwargs)
        return convert_folder(source)
    if not source.exists():
        raise DataError(f"{source}: no such file or folder")
    return read_records_file(source, **kwargs)
