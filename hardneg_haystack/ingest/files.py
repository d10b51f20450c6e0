"""Folders of .html/.htm/.txt/.md/.pdf files and lists of URLs, through Haystack's converters.

Boilerplate (navigation, cookie banners, footers) is stripped by HTMLToDocument (trafilatura); text is
cleaned by DocumentCleaner. A document's id is its path relative to the folder, or its URL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from haystack import Document
from haystack.components.preprocessors import DocumentCleaner

from hardneg_haystack.errors import DataError

logger = logging.getLogger(__name__)

SUFFIXES = (".html", ".htm", ".txt", ".md", ".pdf")


def _converter_for(suffix: str) -> Any:
    from haystack.components.converters import (
        HTMLToDocument,
        MarkdownToDocument,
        PyPDFToDocument,
        TextFileToDocument,
    )

    if suffix in (".html", ".htm"):
        return HTMLToDocument()
    if suffix == ".md":
        return MarkdownToDocument(progress_bar=False)
    if suffix == ".pdf":
        return PyPDFToDocument()
    return TextFileToDocument()


def clean_documents(documents: list[Document]) -> list[Document]:
    """Haystack's DocumentCleaner: empty lines, extra whitespace, repeated substrings removed."""
    if not documents:
        return []
    cleaner = DocumentCleaner(remove_empty_lines=True, remove_extra_whitespaces=True, keep_id=True)
    return cleaner.run(documents=documents)["documents"]


def convert_folder(folder: str | Path, *, suffixes: Sequence[str] = SUFFIXES) -> list[Document]:
    """Convert every supported file under ``folder`` (recursively) into one cleaned Document each."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: folder not found")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise DataError(f"{folder}: no {'/'.join(suffixes)} files found")
    docs: list[Document] = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        converted = _converter_for(path.suffix.lower()).run(sources=[path])["documents"]
        text = "\n".join(d.content or "" for d in converted).strip()
        if not text:
            logger.warning("%s: no text extracted, skipped", path)
            continue
        docs.append(Document(id=rel, content=text, meta={"file_path": rel, "source": "file"}))
    return clean_documents(docs)


def fetch_urls(urls: Sequence[str], *, timeout: int = 10, retry_attempts: int = 2) -> list[Document]:
    """Fetch web pages (LinkContentFetcher), strip boilerplate (HTMLToDocument) and clean them.

    A URL that cannot be fetched raises DataError naming it.
    """
    from haystack.components.converters import HTMLToDocument, TextFileToDocument
    from haystack.components.fetchers import LinkContentFetcher

    fetcher = LinkContentFetcher(raise_on_failure=True, timeout=timeout, retry_attempts=retry_attempts)
    docs: list[Document] = []
    for url in urls:
        try:
            streams = fetcher.run(urls=[url])["streams"]
        except Exception as exc:  # noqa: BLE001 - httpx raises many types
            raise DataError(f"{url}: could not fetch ({exc.__class__.__name__}: {exc})") from exc
        for stream in streams:
            kind = str(stream.meta.get("content_type", "text/html"))
            conv = HTMLToDocument() if "html" in kind else TextFileToDocument()
            text = "\n".join(d.content or "" for d in conv.run(sources=[stream])["documents"]).strip()
            if not text:
                raise DataError(f"{url}: no text extracted from the page")
            docs.append(Document(id=url, content=text, meta={"url": url, "source": "url"}))
    return clean_documents(docs)
