"""Imports run one way: every module has a layer, and no module imports one of a higher layer.

Layers, lowest first (docs/ARCHITECTURE.md says what each holds):

0. core: pure math, base types, file parsing (no model, no store)
1. models, the ensemble, stores and work folders
2. mining, training and evaluation (they take an Ensemble, a Corpus, a store or a scorer)
3. the experiment and A/B logic
4. Haystack components and pipelines, serving
5. the command line

Every import counts, at module level or inside a function (``import x`` and ``from x import y``); only
imports under ``if TYPE_CHECKING:`` are left out (they never run). A module missing from :data:`LAYERS`
fails the test: a new module gets a layer when it is written. Within a layer, imports must not form a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hardneg_haystack"

CORE, MODELS, LOGIC, EXPERIMENT, HAYSTACK, CLI = range(6)

#: Module (without the ``hardneg_haystack.`` prefix; "" is the package itself) -> layer.
LAYERS: dict[str, int] = {
    # 0 core
    "errors": CORE,
    "fusion": CORE,
    "blend": CORE,
    "bm25_text": CORE,
    "score_fusion": CORE,
    "precision": CORE,
    "pair_batches": CORE,
    "telemetry": CORE,
    "cache": CORE,
    "sample": CORE,
    "evaluation": CORE,  # the package's __init__ imports nothing
    "evaluation.metrics": CORE,
    "evaluation.significance": CORE,
    "evaluation.runs": CORE,
    "evaluation.crossfit": CORE,
    "mining.selection": CORE,
    "mining.clustering": CORE,
    "mining.result": CORE,
    "mining.mix": CORE,
    "ingest": CORE,
    "ingest.documents": CORE,
    "ingest.files": CORE,
    "ingest.jsonl": CORE,
    "ingest.queries": CORE,
    "ingest.split": CORE,
    "training.pseudo_queries": CORE,
    "training.losses": CORE,
    "training.data": CORE,
    "training.model_info": CORE,
    "training.distributed": CORE,  # reads the launcher's environment  # reads and writes a model folder's hardneg.json
    "ab.assign": CORE,
    "ab.interleave": CORE,
    "ab.clicks": CORE,
    "ab.events": CORE,
    "ab.limits": CORE,
    "ab.batching": CORE,
    # 1 models, ensembles, stores
    "models": MODELS,
    "ensemble": MODELS,
    "stores": MODELS,
    "memory_store": MODELS,
    "workdir": MODELS,
    "onnx_backend": MODELS,
    "rerank_backends": MODELS,
    "mining.corpus": MODELS,
    "training.fingerprint": MODELS,  # fingerprints a model folder and its data
    # 2 mining, training, evaluation
    "mining": LOGIC,
    "mining.baselines": LOGIC,
    "mining.cluster_miner": LOGIC,
    "mining.factory": LOGIC,
    "mining.peer": LOGIC,
    "mining.weights": LOGIC,
    "training": LOGIC,
    "training.cross_encoder": LOGIC,
    "training.validation": LOGIC,
    "training.warmstart": LOGIC,
    "training.dense_tune": LOGIC,
    "training.teacher": LOGIC,  # the pure teacher maths beside its binding to a corpus and BM25
    "training.student": LOGIC,
    "evaluation.first_stage": LOGIC,
    "evaluation.rerank": LOGIC,
    "evaluation.dense": LOGIC,
    # 3 experiment and A/B logic
    "experiment": HAYSTACK,  # the package exposes the runner
    "experiment.config": EXPERIMENT,
    "experiment.report": EXPERIMENT,
    "experiment.runner": HAYSTACK,  # runs the Haystack indexing pipeline (indexing.index_documents) as its first step
    "ab.offline": EXPERIMENT,
    "ab.report": EXPERIMENT,
    "ab.simulate": EXPERIMENT,
    "ab.load": EXPERIMENT,
    "ab.opensearch_events": EXPERIMENT,
    # 4 Haystack components, pipelines, serving
    "": HAYSTACK,  # hardneg_haystack/__init__.py re-exports the components
    "components": HAYSTACK,
    "components.ab": HAYSTACK,
    "components.backend_ranker": HAYSTACK,
    "components.embedders": HAYSTACK,
    "components.miners": HAYSTACK,
    "components.onnx_ranker": HAYSTACK,
    "components.rankers": HAYSTACK,
    "components.retrievers": HAYSTACK,
    "components.trainer": HAYSTACK,
    "components.warm_start": HAYSTACK,
    "pipelines": HAYSTACK,
    "binding": HAYSTACK,
    "indexing": HAYSTACK,  # builds and runs the indexing pipeline
    "swap": HAYSTACK,
    "serving": HAYSTACK,
    "ab.server": HAYSTACK,
    "hayhooks_pipelines.bm25.pipeline_wrapper": HAYSTACK,
    "hayhooks_pipelines.bm25_rerank.pipeline_wrapper": HAYSTACK,
    "hayhooks_pipelines.embedding.pipeline_wrapper": HAYSTACK,
    "hayhooks_pipelines.fused.pipeline_wrapper": HAYSTACK,
    "hayhooks_pipelines.hybrid.pipeline_wrapper": HAYSTACK,
    "hayhooks_pipelines.hybrid_rerank.pipeline_wrapper": HAYSTACK,
    # 5 the command line
    "cli_errors": CLI,
}
#: Every module of these packages shares the package's layer.
PACKAGE_LAYERS: dict[str, int] = {"cli": CLI}

#: Upward imports that are known and kept, each with its reason. Keep this short: fix, don't list.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}  # (importer, imported) -> why; none today

NAMES = ("core", "models/stores", "mining/training/evaluation", "experiment/A-B", "Haystack", "CLI")


def module_files() -> dict[str, tuple[Path, bool]]:
    """Dotted name (no prefix) -> (file, is a package's __init__)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


def layer_of(module: str) -> int | None:
    if module in LAYERS:
        return LAYERS[module]
    top = module.split(".")[0]
    return PACKAGE_LAYERS.get(top)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:``."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports_of(name: str, path: Path, is_pkg: bool, modules: dict[str, tuple[Path, bool]]) -> set[str]:
    """The package's own modules that ``name`` imports anywhere in its file (dotted, no prefix)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    found: set[str] = set()

    def add(dotted: str) -> None:
        if dotted != "hardneg_haystack" and not dotted.startswith("hardneg_haystack."):
            return
        rel = dotted.removeprefix("hardneg_haystack").removeprefix(".")
        while rel and rel not in modules:  # a name inside a module: the module
            rel = rel.rpartition(".")[0]
        if rel != name:
            found.add(rel)

    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if name else []
                if not is_pkg:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(["hardneg_haystack", *base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{module}.{alias.name}"
                rel = sub.removeprefix("hardneg_haystack.")
                add(sub if rel in modules else module)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, is_pkg, modules) for name, (path, is_pkg) in modules.items()}


def _label(module: str) -> str:
    return f"hardneg_haystack.{module}" if module else "hardneg_haystack"


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    missing = sorted(_label(m) for m in graph if layer_of(m) is None)
    assert not missing, "modules without a layer (add them to LAYERS in tests/test_layers.py): " + ", ".join(missing)


def test_the_table_names_only_real_modules(graph: dict[str, set[str]]) -> None:
    stale = sorted(_label(m) for m in LAYERS if m not in graph)
    assert not stale, "LAYERS names modules that no longer exist: " + ", ".join(stale)


def test_imports_run_downwards(graph: dict[str, set[str]]) -> None:
    upward = []
    for importer, imported in sorted(graph.items()):
        mine = layer_of(importer)
        for target in sorted(imported):
            theirs = layer_of(target)
            allowed = (importer, target) in ALLOWED_UPWARD
            if mine is not None and theirs is not None and theirs > mine and not allowed:
                upward.append(f"{_label(importer)} ({NAMES[mine]}) -> {_label(target)} ({NAMES[theirs]})")
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_allowed_upward_imports_are_still_needed(graph: dict[str, set[str]]) -> None:
    gone = [f"{a} -> {b}" for a, b in ALLOWED_UPWARD if b not in graph.get(a, set())]
    assert not gone, "ALLOWED_UPWARD lists imports that no longer exist: " + ", ".join(gone)


def test_no_import_cycle_within_a_layer(graph: dict[str, set[str]]) -> None:
    """A package's __init__ importing its own modules is no cycle; modules importing each other are."""
    edges = {
        m: {t for t in ts if layer_of(t) == layer_of(m) and not m.startswith(t + ".") and t != ""}
        for m, ts in graph.items()
        if m
    }
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(_label(m) for m in [*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The parser itself: an import inside a function counts; TYPE_CHECKING imports do not."""
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from hardneg_haystack.errors import ConfigError\n"
        "if TYPE_CHECKING:\n    from hardneg_haystack.cli import app\n"
        "def f():\n    import hardneg_haystack.indexing\n    from hardneg_haystack import stores\n",
        encoding="utf-8",
    )
    modules = module_files()
    assert imports_of("mining.fake", source, False, modules) == {"errors", "indexing", "stores"}
