"""Installs that do not depend on luck (issue 16): every shipped pipeline YAML loads, and every third-party
module the package imports comes from a distribution pyproject.toml declares. The install itself, with the
pip a fresh venv ships, is checked by .ci/plain_install.sh (a CI step after `make test`)."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "pipelines").glob("*.yaml")) + sorted((ROOT / "pipelines" / "opensearch").glob("*.yaml"))


def test_there_are_shipped_pipelines() -> None:
    assert len(SHIPPED) >= 13 and any(p.parent.name == "opensearch" for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT / "pipelines")) for p in SHIPPED])
def test_every_shipped_pipeline_yaml_loads(path: Path) -> None:
    """Pipeline.loads through the package's allowlist; no store is bound and no model is loaded."""
    from hardneg_haystack.components.pipelines import load_pipeline

    pipe = load_pipeline(path)
    assert len(pipe.graph.nodes) >= 1


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    return {_norm(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]) for spec in specs}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> dict[str, str]:
    """Top-level modules imported anywhere in the package -> one file importing it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "hardneg_haystack").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_distribution_is_declared() -> None:
    declared = _declared()
    owners = md.packages_distributions()
    undeclared = []
    for module, where in sorted(_imported_modules().items()):
        if module in sys.stdlib_module_names or module == "hardneg_haystack":
            continue
        dists = {_norm(d) for d in owners.get(module, [])}
        if not dists & declared:
            undeclared.append(f"{module} ({where}; from {sorted(dists) or 'no installed distribution'})")
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_lxml_html_clean_is_declared_and_what_html_conversion_imports() -> None:
    """justext asks for lxml[html_clean]; pip 23.2 does not match that extra to lxml 6 and leaves it out."""
    assert "lxml-html-clean" in _declared()
    import lxml.html.clean  # noqa: F401 - HTMLToDocument -> trafilatura -> justext imports it
