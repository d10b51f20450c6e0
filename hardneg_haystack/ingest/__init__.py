"""Ingestion: documents and labelled queries from BEIR folders, JSONL/CSV, file folders and URLs."""

from hardneg_haystack.ingest.documents import load_documents, read_records_file
from hardneg_haystack.ingest.files import convert_folder, fetch_urls
from hardneg_haystack.ingest.queries import LabelledQuery, load_beir_queries, load_queries_jsonl
from hardneg_haystack.ingest.split import split_long_documents

__all__ = [
    "LabelledQuery",
    "convert_folder",
    "fetch_urls",
    "load_beir_queries",
    "load_documents",
    "load_queries_jsonl",
    "read_records_file",
    "split_long_documents",
]
