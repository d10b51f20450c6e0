"""Evaluation: the one place where runs are built, folded, re-ranked, scored and compared.

Every command that reports a ranking metric (``hardneg eval-rerank``, ``eval-dense``, ``experiment``,
``ab offline``) and the benchmarks go through these modules, so the same model on the same candidates gives
the same numbers everywhere.

=================  ===================================================================================
module             holds
=================  ===================================================================================
``runs``           ``Run`` (``{query: {doc: score}}``), MaxP (``best_per_parent``, ``fold_maxp``,
                   ``maxp``: the one chunk-to-document fold, also behind ``MaxPAggregator``),
                   ``rank_scores``, ``qrels_of``
``significance``   paired randomization test, Holm correction, bootstrap confidence intervals,
                   ``compare_family`` (Holm-corrected paired comparisons: experiment report, offline A/B)
``first_stage``    ``FirstStage``: BM25 / dense / hybrid candidate lists of labelled queries, the hybrid's
                   weight fit
``rerank``         re-ranking with one convention (BM25 top-k re-ordered, BM25's tail kept below, pairs
                   scored through ``precision.pair_scorer``), BM25 + dense + cross-encoder fusion, and
                   ``evaluate_rerankers`` (``hardneg eval-rerank``)
``dense``          each ensemble member's dense retrieval alone and fused (``hardneg eval-dense``)
=================  ===================================================================================

The metrics themselves (ranx's ``evaluate_run``, ``per_query`` and the two numpy kernels of the weight grid
searches, ``ndcg_at_k`` and ``mrr_recall_at_k``) live in :mod:`hardneg_haystack.ranking.metrics`, below this
folder, so the blend and fusion weight fits and the ensemble weight fit use them without importing evaluation.

Imports run one way: these modules use the core, the stores, mining and training, never
``experiment``, ``ab``, ``components`` or the CLI (``tests/test_layers.py`` and ``tests/test_evaluation.py``
check). ``runs`` and ``significance`` import nothing of the package. This ``__init__`` imports nothing.
"""
