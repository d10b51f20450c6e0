"""Hayhooks wrapper `bm25`: BM25 over the work folder's index (OpenSearch: a match on content only).

Serves the shipped query_bm25.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /bm25/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "bm25"
