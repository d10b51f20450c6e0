"""Hayhooks wrapper `hybrid`: BM25 + ensemble embedding retrieval, joined by rank fusion.

Serves the shipped query_hybrid.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /hybrid/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "hybrid"
