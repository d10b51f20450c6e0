"""Split long documents into chunks that remember their parent; record every document's length."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.components.preprocessors import DocumentSplitter

SplitBy = Literal["word", "sentence", "passage", "line"]


def word_count(text: str | None) -> int:
    return len((text or "").split())


def split_long_documents(
    documents: list[Document],
    *,
    max_words: int = 300,
    split_by: SplitBy = "word",
    split_length: int | None = None,
    split_overlap: int = 30,
) -> list[Document]:
    """Keep documents of at most ``max_words`` whole; split longer ones with Haystack's DocumentSplitter.

    Every output document gets ``meta["parent_id"]`` (the original id), ``meta["chunk"]`` (0 for an
    unsplit document), ``meta["doc_length"]`` (words in the whole parent, for short/long evaluation)
    and ``meta["length"]`` (words in this piece). Chunk ids are ``"<parent id>#<n>"``.

    :param max_words: Documents longer than this are split; ``0`` disables splitting.
    :param split_by: The DocumentSplitter unit.
    :param split_length: Units per chunk (default: ``max_words`` for words, else 10).
    :param split_overlap: Units shared by consecutive chunks.
    """
    length = split_length or (max_words if split_by == "word" else 10)
    splitter = (
        DocumentSplitter(split_by=split_by, split_length=length, split_overlap=split_overlap) if max_words else None
    )
    if splitter is not None:
        splitter.warm_up()
    out: list[Document] = []
    for doc in documents:
        n = word_count(doc.content)
        base = {**doc.meta, "parent_id": doc.meta.get("parent_id", doc.id), "doc_length": n}
        if splitter is None or n <= max_words:
            out.append(replace(doc, meta={**base, "chunk": 0, "length": n}))
            continue
        chunks = splitter.run(documents=[doc])["documents"]
        for i, chunk in enumerate(chunks):
            meta = {k: v for k, v in chunk.meta.items() if k not in ("source_id", "split_id", "page_number")}
            meta.update(base)
            meta.update(
                {"chunk": i, "length": word_count(chunk.content), "split_idx_start": chunk.meta.get("split_idx_start")}
            )
            out.append(Document(id=f"{doc.id}#{i}", content=chunk.content, meta=meta))
    return out


@component
class LongDocumentSplitter:
    """
    Splits documents longer than ``max_words`` into chunks that keep their parent id in meta.

    Short documents pass through whole. Every document records ``doc_length`` so evaluation can report
    short and long documents separately.

    ### Usage example

    ```python
    from haystack import Document
    from hardneg_haystack.ingest.split import LongDocumentSplitter

    splitter = LongDocumentSplitter(max_words=200, split_overlap=20)
    out = splitter.run(documents=[Document(id="policy", content="word " * 500)])
    print([d.id for d in out["documents"]])  # ['policy#0', 'policy#1', 'policy#2']
    ```
    """

    def __init__(
        self,
        *,
        max_words: int = 300,
        split_by: SplitBy = "word",
        split_length: int | None = None,
        split_overlap: int = 30,
    ) -> None:
        """
        :param max_words: Documents longer than this many words are split; 0 disables splitting.
        :param split_by: Unit of DocumentSplitter: word, sentence, passage or line.
        :param split_length: Units per chunk (default: max_words for words, else 10).
        :param split_overlap: Units shared by consecutive chunks.
        """
        self.max_words = max_words
        self.split_by = split_by
        self.split_length = split_length
        self.split_overlap = split_overlap

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: Documents to split.
        :returns: ``documents``: whole short documents and chunks of long ones.
        """
        return {
            "documents": split_long_documents(
                documents,
                max_words=self.max_words,
                split_by=self.split_by,
                split_length=self.split_length,
                split_overlap=self.split_overlap,
            )
        }

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            max_words=self.max_words,
            split_by=self.split_by,
            split_length=self.split_length,
            split_overlap=self.split_overlap,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LongDocumentSplitter:
        return default_from_dict(cls, data)
