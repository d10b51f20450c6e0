"""``hardneg swap-ranker``, ``export-onnx`` and ``serve``: ship a trained re-ranker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hardneg_haystack.cli.app import WorkOpt, _fail, _require_free_port, console, err_console
from hardneg_haystack.cli.errors import naming
from hardneg_haystack.errors import HardnegError


def swap_ranker_cmd(
    pipeline: Annotated[Path, typer.Argument(help="Pipeline YAML with a ranker")],
    model: Annotated[str, typer.Option(help="The new ranker model (folder, hub id or alias)")],
    out: Annotated[Path | None, typer.Option(help="Write the new YAML here (default: print it)")] = None,
    component_name: Annotated[str | None, typer.Option("--component", help="Ranker name if there are several")] = None,
    backend: Annotated[
        str,
        typer.Option(
            help="auto (onnx-int8, the measured fastest within 0.5 nDCG@10 points, when the model folder has "
            "an ONNX export from `hardneg export-onnx`; else torch-bf16 / torch: auto never writes into the model "
            "folder) | torch (the ranker's own class, fp32) | torch-bf16 | torch-amp (scored as `hardneg "
            "experiment` measures) | onnx | onnx-int8 (the model folder is exported to ONNX first when needed)"
        ),
    ] = "auto",
) -> None:
    """Replace a pipeline's ranker model; every other component and connection stays as it is."""
    from hardneg_haystack.components.swap import swap_ranker

    try:
        with naming(pipeline, ""):
            pipe = swap_ranker(pipeline, model, name=component_name, backend=backend)  # type: ignore[arg-type]
    except HardnegError as exc:
        _fail(exc)
    if backend == "auto":
        from hardneg_haystack.embedding.models import resolve_model
        from hardneg_haystack.scoring.rerank_backends import backend_for, default_backend

        source = resolve_model(model).source
        if (
            Path(source).is_dir()
            and default_backend().startswith("onnx")
            and backend_for(source, "auto") != default_backend()
        ):
            err_console.print(
                f"note: {model} has no ONNX export, so the ranker runs on torch; `hardneg export-onnx --model "
                f"{model}` enables the faster {default_backend()} backend",
                soft_wrap=True,
            )
    text = pipe.dumps()
    if out is None:
        console.print(text, markup=False, highlight=False)
    else:
        out.write_text(text)
        console.print(f"wrote {out}")


def export_onnx_cmd(
    model: Annotated[Path, typer.Option(help="A cross-encoder folder (e.g. `hardneg train`'s model/)")],
    int8: Annotated[bool, typer.Option(help="Also write the int8 (dynamically quantised) model")] = True,
) -> None:
    """Export a fine-tuned cross-encoder to ONNX (model/onnx/) for the OnnxRanker (``--backend onnx``)."""
    from hardneg_haystack.scoring.onnx_backend import export_onnx

    try:
        files = export_onnx(model, quantize=int8)
    except HardnegError as exc:
        _fail(exc)
    for kind, path in files.items():
        console.print(f"{kind}: {path} ({path.stat().st_size / 2**20:.1f} MB)")


def serve_cmd(
    work_dir: WorkOpt,
    pipeline: Annotated[
        list[str] | None,
        typer.Option(help="Serve only these (repeatable): bm25, bm25_rerank, embedding, hybrid, hybrid_rerank, fused"),
    ] = None,
    ranker_model: Annotated[
        str | None, typer.Option(help="Fine-tuned re-ranker for the pipelines that re-rank (a folder or alias)")
    ] = None,
    host: Annotated[str, typer.Option(help="Bind address (loopback unless you open it)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 1416,
) -> None:
    """Serve the shipped query pipelines with Hayhooks (POST /<pipeline>/run {"query": ...}), bound to WORK_DIR.

    The same as `HARDNEG_WORK_DIR=W hayhooks run --pipelines-dir hardneg_haystack/hayhooks_pipelines`. The A/B
    server with its /feedback route is `hardneg ab serve`.
    """
    _require_free_port(host, port)
    from hardneg_haystack.components.serving import QUERY_PIPELINES, serve

    names = pipeline or list(QUERY_PIPELINES)
    unknown = sorted(set(names) - set(QUERY_PIPELINES))
    if unknown:
        _fail(HardnegError(f"unknown pipeline(s) {', '.join(unknown)}: choose from {', '.join(QUERY_PIPELINES)}"))
    console.print(f"serving {', '.join(f'/{n}/run' for n in names)} with Hayhooks on http://{host}:{port}")
    try:
        serve(work_dir, names=names, ranker_model=ranker_model, host=host, port=port)
    except HardnegError as exc:
        _fail(exc)
