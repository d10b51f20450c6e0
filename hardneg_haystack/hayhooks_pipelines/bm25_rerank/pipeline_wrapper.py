"""Hayhooks wrapper `bm25_rerank`: BM25 top-20 -> cross-encoder -> ScoreBlender -> MaxP.

Serves the shipped query_bm25_rerank.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /bm25_rerank/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "bm25_rerank"
