"""Hayhooks wrapper `embedding`: the index's ensemble query embedding -> embedding retriever (knn).

Serves the shipped query_embedding.yaml (pipelines/ or pipelines/opensearch/) bound to the work folder
in HARDNEG_WORK_DIR. Ask it: POST /embedding/run {"query": "...", "top_k": 5}
"""

from hardneg_haystack.components.serving import QueryPipelineWrapper


class PipelineWrapper(QueryPipelineWrapper):
    pipeline_name = "embedding"
