"""The index: document stores (embedded and OpenSearch), the embedded store's BM25 postings, work folders."""
