"""Hayhooks wrapper `hybrid_rerank`: BM25 + embedding retrieval joined -> cross-encoder -> ScoreBlender -> MaxP.

Serves the shipped query_hybrid_rerank.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /hybrid_rerank/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "hybrid_rerank"
