"""Imports run one way: the package's folders are its layers, and no folder imports one of a higher layer.

Layers, lowest first (docs/ARCHITECTURE.md says what each folder holds):

0. core: ``errors``, ``ingest/`` (reading corpora and queries), ``ranking/`` (metrics, blend, score fusion)
1. models and stores: ``embedding/`` (models, the ensemble, vector fusion, cache), ``index/`` (stores, the
   embedded store's postings, work folders), ``scoring/`` (re-ranker backends, pair batches, precision)
2. ``mining/``, ``training/``, ``evaluation/`` (they take an Ensemble, a Corpus, a store or a scorer)
3. ``ab/``: the A/B logic (assignment, interleaving, events, offline A/B, reports); ``workflows/``: the use
   cases the CLI, the experiment and the benchmarks share (e.g. tuning a dense member)
4. Haystack: ``components/`` (components, pipelines, binding, swap, serving, the A/B server),
   ``hayhooks_pipelines/`` and the package's ``__init__`` (it re-exports the components)
5. ``experiment/``: runs the indexing pipeline, mines, trains, evaluates, writes the deployed pipeline
6. ``cli/``: the command line

The table maps folders, not modules: a module takes its folder's layer, so a new module needs no entry, a new
folder does. Every import counts, at module level or inside a function (``import x`` and ``from x import y``);
only imports under ``if TYPE_CHECKING:`` are left out (they never run). Folders do not import each other in a
cycle (not even within a layer), nor do modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hardneg_haystack"

CORE, MODELS, LOGIC, AB, HAYSTACK, EXPERIMENT, CLI = range(7)
NAMES = ("core", "models/stores", "mining/training/evaluation", "A/B, workflows", "Haystack", "experiment", "CLI")

#: Folder (a subpackage, or one of the few modules at the top level; "" is the package's ``__init__``) -> layer.
FOLDERS: dict[str, int] = {
    # 0 core
    "errors": CORE,  # the exceptions every layer raises (a module at the top level)
    "ingest": CORE,
    "ranking": CORE,
    # 1 models, ensembles, stores, scorers
    "embedding": MODELS,
    "index": MODELS,
    "scoring": MODELS,
    # 2 mining, training, evaluation
    "mining": LOGIC,
    "training": LOGIC,
    "evaluation": LOGIC,
    # 3 A/B logic, and the use cases the CLI, the experiment and the benchmarks share
    "ab": AB,
    "workflows": AB,
    # 4 Haystack components, pipelines, serving
    "components": HAYSTACK,
    "hayhooks_pipelines": HAYSTACK,
    "": HAYSTACK,  # hardneg_haystack/__init__.py re-exports the components
    # 5 the experiment
    "experiment": EXPERIMENT,
    # 6 the command line
    "cli": CLI,
}

#: The only modules at the package's top level (docs/ARCHITECTURE.md says why): everything else is in a folder.
TOP_LEVEL_MODULES = {"__init__.py", "errors.py"}

#: Upward imports that are known and kept, each with its reason. Keep this short: fix, don't list.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}  # (importer, imported) module -> why; none today


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


def folder_of(module: str) -> str:
    """The folder (first part of the dotted name) a module sits in; "" for the package's ``__init__``."""
    return module.split(".")[0]


def layer_of(module: str) -> int | None:
    return FOLDERS.get(folder_of(module))


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


def _folder_label(folder: str) -> str:
    return f"{folder}/" if (PACKAGE / folder).is_dir() and folder else _label(folder)


def _cycles(edges: dict[str, set[str]], label) -> list[str]:
    """Every cycle a depth-first walk of ``edges`` meets, as ``a -> b -> a``."""
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(label(m) for m in [*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    return cycles


def test_only_a_few_modules_sit_at_the_top_level() -> None:
    """Issue 28: the folders are the layers; a module at the top level belongs in one of them."""
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL_MODULES, (
        f"modules at the package's top level besides {sorted(TOP_LEVEL_MODULES)}: "
        f"{sorted(top - TOP_LEVEL_MODULES)} (move each into the folder of its layer)"
    )


def test_every_folder_has_a_layer(graph: dict[str, set[str]]) -> None:
    missing = sorted({_folder_label(folder_of(m)) for m in graph if layer_of(m) is None})
    assert not missing, "folders without a layer (add them to FOLDERS in tests/test_layers.py): " + ", ".join(missing)


def test_the_table_names_only_real_folders(graph: dict[str, set[str]]) -> None:
    real = {folder_of(m) for m in graph}
    stale = sorted(_folder_label(f) for f in FOLDERS if f not in real)
    assert not stale, "FOLDERS names folders that no longer exist: " + ", ".join(stale)


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


def test_no_import_cycle_between_folders(graph: dict[str, set[str]]) -> None:
    """Folders of one layer may import each other, one way only: their imports form no cycle. (The package's
    ``__init__`` is left out: it imports nothing at module level, and importing ``hardneg_haystack`` is how any
    submodule is reached.)"""
    edges: dict[str, set[str]] = {}
    for importer, imported in graph.items():
        if not importer:
            continue
        mine = folder_of(importer)
        edges.setdefault(mine, set()).update(folder_of(t) for t in imported if t and folder_of(t) != mine)
    cycles = _cycles(edges, _folder_label)
    assert not cycles, "import cycles between folders:\n" + "\n".join(cycles)


def test_no_import_cycle_between_modules(graph: dict[str, set[str]]) -> None:
    """Within a folder too: a package's __init__ importing its own modules is no cycle; modules importing each
    other are."""
    edges = {m: {t for t in ts if not m.startswith(t + ".") and t != ""} for m, ts in graph.items() if m}
    cycles = _cycles(edges, _label)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The parser itself: an import inside a function counts; TYPE_CHECKING imports do not."""
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from hardneg_haystack.errors import ConfigError\n"
        "if TYPE_CHECKING:\n    from hardneg_haystack.cli import app\n"
        "def f():\n    import hardneg_haystack.components.indexing\n    from hardneg_haystack.index import stores\n"
        "    from ..scoring.precision import pair_scorer\n",
        encoding="utf-8",
    )
    modules = module_files()
    assert imports_of("mining.fake", source, False, modules) == {
        "errors",
        "components.indexing",
        "index.stores",
        "scoring.precision",
    }
    assert folder_of("components.indexing") == "components" and layer_of("index.stores") == MODELS


# ---- the paths users write stay real ------------------------------------------------------------------------

_TYPE = re.compile(r"^\s*type:\s*(hardneg_haystack\.[\w.]+)\s*$", re.MULTILINE)
_DOTTED = re.compile(r"\bhardneg_haystack((?:\.[A-Za-z_]\w*)+)")
_PATH = re.compile(r"\bhardneg_haystack/((?:\w+/)*\w+\.py)\b")


def _yaml_files() -> list[Path]:
    return sorted([*(ROOT / "pipelines").rglob("*.yaml"), *(ROOT / "tests").rglob("*.yaml"), *PACKAGE.rglob("*.yaml")])


def _defines(module_file: Path, name: str) -> bool:
    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body)


def _names_defined(module_file: Path) -> set[str]:
    """The names a module's top level defines, assigns or imports."""
    names = set()
    for node in ast.parse(module_file.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def test_every_type_path_in_pipeline_yaml_names_a_class_where_it_is_defined() -> None:
    """Haystack finds a YAML ``type:`` in its component registry, keyed by the module that defines the class:
    a class whose module moved would no longer load from a YAML naming its old path (nor would a re-export
    help). The components live in ``components/`` and ``ingest/``, which the layering did not move."""
    modules = module_files()
    found, wrong = 0, []
    for path in _yaml_files():
        for type_path in _TYPE.findall(path.read_text(encoding="utf-8")):
            found += 1
            module, _, cls = type_path.removeprefix("hardneg_haystack.").rpartition(".")
            if module not in modules or not _defines(modules[module][0], cls):
                wrong.append(f"{path.relative_to(ROOT)}: {type_path}")
    assert found >= 40, found  # the shipped pipelines and the test dumps name ours
    assert not wrong, "YAML names classes that are not defined there:\n" + "\n".join(wrong)


def _text_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml", *sorted((ROOT / "docs").glob("*.md"))]
    files += [*_yaml_files(), *sorted((ROOT / ".ci").glob("*")), *sorted((ROOT / "benchmarks").glob("*.py"))]
    files += sorted((ROOT / "scripts").glob("*.py"))  # tests/*.py: a stale monkeypatch target fails by itself
    return [*files, *sorted(PACKAGE.rglob("*.py"))]


def test_docs_code_and_tests_name_real_modules() -> None:
    """Every ``hardneg_haystack.x...`` and ``hardneg_haystack/x.py`` that the docs, YAML, benchmarks, tests and
    the package's own docstrings name: ``x`` is a folder or module of the package (or a name the package
    exports), so a moved module leaves no stale path behind."""
    import hardneg_haystack

    modules = module_files()
    exported = {*hardneg_haystack.__all__, "__version__", "__file__", "__all__"}
    stale = []
    for path in _text_files():
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for match in _DOTTED.finditer(text):
            parts = match.group(1).lstrip(".").split(".")
            if parts[0] not in modules and parts[0] not in exported and not (PACKAGE / parts[0]).is_dir():
                stale.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
                continue
            dotted = parts[0]  # a module's submodule must exist too: hardneg_haystack.index.nope is stale
            for part in parts[1:]:
                folder = PACKAGE / dotted.replace(".", "/")
                if not folder.is_dir():
                    break
                if f"{dotted}.{part}" not in modules:  # else a name the folder's __init__ defines or imports
                    init = folder / "__init__.py"
                    if not (init.is_file() and part in _names_defined(init)):
                        stale.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
                    break
                dotted = f"{dotted}.{part}"
        for match in _PATH.finditer(text):
            if not (PACKAGE / match.group(1)).is_file():
                stale.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not stale, "paths that name no module of the package:\n" + "\n".join(sorted(set(stale)))
