"""Hayhooks wrapper `fused`: BM25 + dense top-30 joined -> cross-encoder -> ScoreFuser (3 signals) -> MaxP.

Serves the shipped query_fused.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /fused/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "fused"
