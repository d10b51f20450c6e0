"""Ranking maths: ranking metrics, the blend of first-stage and cross-encoder scores, score fusion."""
