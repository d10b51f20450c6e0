"""Scoring query-document pairs: the re-ranker backends (torch, ONNX), pair batching, precision, BM25 tags."""
