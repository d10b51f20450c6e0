"""Load every shipped pipeline YAML (pipelines/ and pipelines/opensearch/) with Haystack's Pipeline.loads, through
the package's allowlist; no store is bound and no model is loaded. Exits 1 naming each YAML that fails."""

from __future__ import annotations

import sys
from pathlib import Path


def main(root: Path) -> int:
    import hardneg_haystack
    from hardneg_haystack.components.pipelines import load_pipeline

    files = sorted(root.glob("pipelines/*.yaml")) + sorted(root.glob("pipelines/opensearch/*.yaml"))
    print(f"hardneg_haystack from {Path(hardneg_haystack.__file__).parent}")
    failed = 0
    for path in files:
        try:
            pipe = load_pipeline(path)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, then the exit code says it
            failed += 1
            print(f"FAIL {path.relative_to(root)}: {type(exc).__name__}: {exc}".splitlines()[0])
            cause = exc.__cause__ or exc.__context__
            if cause is not None:
                print(f"     caused by {type(cause).__name__}: {cause}".splitlines()[0])
        else:
            print(f"ok   {path.relative_to(root)} ({len(pipe.graph.nodes)} components)")
    if not files:
        print(f"no pipeline YAML under {root}/pipelines")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
