"""Embedding models: resolving model names, the ensemble of embedders, fusing their vectors, the cache."""
