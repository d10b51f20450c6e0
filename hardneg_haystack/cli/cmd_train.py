"""``hardneg train`` and ``warm-start``: fine-tune a cross-encoder, or warm-start one from the corpus."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hardneg_haystack.cli.app import SplitOpt, WorkOpt, _fail, _load_queries, _step_bar, _steps_on, console
from hardneg_haystack.errors import ConfigError, DataError, HardnegError


def train(
    mined: Annotated[Path, typer.Option(help="A `hardneg mine`/`hardneg mix` output folder or a triplets JSONL")],
    out: Annotated[Path, typer.Option(help="Run folder (model/, checkpoints/, training_curve.png)")] = Path(
        "runs/ranker"
    ),
    work_dir: Annotated[
        Path | None, typer.Option("--work-dir", "-w", help="Index folder: validate by re-ranking its BM25 top-k")
    ] = None,
    base_model: Annotated[str, typer.Option(help="Hugging Face id, folder or packaged alias")] = "minilm",
    loss: Annotated[
        str, typer.Option(help="mnrl | triplet | bce | listnet (negatives labelled by a teacher)")
    ] = "mnrl",
    teacher_weight: Annotated[
        float,
        typer.Option(
            help="listnet with -w: dense share of the BM25 + dense teacher that labels each negative (the index's "
            "ensemble; without -w every negative is labelled 0)"
        ),
    ] = 0.5,
    margin: Annotated[float, typer.Option(help="Margin of the triplet loss")] = 1.0,
    epochs: Annotated[float, typer.Option()] = 1.0,
    learning_rate: Annotated[float, typer.Option()] = 5e-5,
    batch_size: Annotated[int, typer.Option(min=1)] = 8,
    max_length: Annotated[int, typer.Option(min=1, help="Tokens per (query, document) pair")] = 256,
    num_negatives: Annotated[int | None, typer.Option(min=1, help="Negatives per row (default: all mined)")] = None,
    validation_share: Annotated[float, typer.Option(help="Share of queries held out")] = 0.1,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (-1: epochs decide)")] = -1,
    evals_per_epoch: Annotated[
        float | None, typer.Option(help="Judge on validation this many times an epoch (default: 4 times a run)")
    ] = None,
    patience: Annotated[
        int, typer.Option(min=0, help="Stop after this many judgements without a gain over the best (0: never)")
    ] = 3,
    seed: Annotated[int, typer.Option()] = 42,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    bm25_text: Annotated[
        bool | None,
        typer.Option(
            "--bm25-text/--no-bm25-text",
            help="The model reads each document's BM25 score as text (needs -w); default: as --base-model does",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue the run in --out (only if its data and config match); --no-resume: discard it, start afresh"
        ),
    ] = True,
) -> None:
    """Fine-tune a cross-encoder re-ranker on mined negatives (best checkpoint, early stopping, resumable).

    Start it from a warm start (`hardneg warm-start`, then --base-model <its folder>/model)."""
    from hardneg_haystack.training import TrainConfig, train_cross_encoder
    from hardneg_haystack.training.model_info import reads_bm25

    try:
        config = TrainConfig(
            base_model=base_model,
            loss=loss,
            margin=margin,
            epochs=epochs,
            learning_rate=learning_rate,  # type: ignore[arg-type]
            batch_size=batch_size,
            max_length=max_length,
            num_negatives=num_negatives,
            validation_share=validation_share,
            max_steps=max_steps,
            evals_per_epoch=evals_per_epoch,
            early_stopping_patience=patience,
            seed=seed,
            precision=precision,  # type: ignore[arg-type]
            bm25_text=reads_bm25(base_model) if bm25_text is None else bm25_text,
        )
        bm25_text = config.bm25_text
        validation, store, teacher = None, None, None
        if not 0 <= teacher_weight <= 1:
            raise ConfigError(f"--teacher-weight must be in [0, 1], got {teacher_weight}")
        if bm25_text and work_dir is None:
            raise ConfigError("--bm25-text needs the index the negatives were mined from: give -w/--work-dir")
        if work_dir is not None:
            from hardneg_haystack.components.indexing import open_index
            from hardneg_haystack.training.validation import bm25_validation

            store, embedder, _ = open_index(work_dir)
            validation = bm25_validation(store, bm25_text=bm25_text)
            if config.loss == "listnet":
                from hardneg_haystack.mining.corpus import load_corpus
                from hardneg_haystack.training.teacher import label_teacher

                teacher = label_teacher(load_corpus(store), store, embedder.ensemble, weight=teacher_weight)
        stats_file = mined / "stats.json" if mined.is_dir() else None
        miner = json.loads(stats_file.read_text()).get("miner", "?") if stats_file and stats_file.is_file() else "?"
        with _step_bar("training") as step_progress:
            result = train_cross_encoder(
                mined,
                out,
                config,
                validation=validation,
                data_description=f"{mined} (miner: {miner})",
                resume=resume,
                step_progress=step_progress,
                store=store,
                teacher=teacher,
            )
    except HardnegError as exc:
        _fail(exc)
    best = f"best at step {result.best_step}" if result.best_step is not None else "no validation: last step kept"
    console.print(f"re-ranker trained: {result.steps} steps, {best} -> {result.model_dir}")
    table = Table()
    table.add_column("validation metric")
    table.add_column("value")
    for key in sorted(result.metrics):
        table.add_row(key, f"{result.metrics[key]:.4f}")
    if result.blend_weight is not None:
        table.add_row("blend weight (share of the re-ranker)", f"{result.blend_weight:.2f}")
    if table.row_count:
        console.print(table)


def warm_start_cmd(
    work_dir: WorkOpt = Path("runs/index"),
    out: Annotated[
        Path, typer.Option(help="Folder of the warm-started model (model/, lists.jsonl, checkpoints/)")
    ] = Path("runs/warmstart"),
    data: Annotated[
        Path | None, typer.Option(help="Labelled queries to VALIDATE on (BEIR folder or JSONL); never trained on")
    ] = None,
    split: SplitOpt = "train",
    queries: Annotated[int, typer.Option(min=1, help="Pseudo-queries cut from the corpus")] = 2000,
    teacher_weight: Annotated[float, typer.Option(help="Dense share of the BM25 + dense teacher")] = 0.5,
    base_model: Annotated[str, typer.Option(help="Hugging Face id, folder or packaged alias")] = "minilm",
    learning_rate: Annotated[float, typer.Option()] = 7e-5,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (-1: one pass over the lists)")] = -1,
    max_length: Annotated[int, typer.Option(min=1, help="Tokens per (query, document) pair")] = 128,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    seed: Annotated[int, typer.Option()] = 42,
    bm25_text: Annotated[
        bool, typer.Option("--bm25-text/--no-bm25-text", help="The model reads each passage's BM25 score as text")
    ] = True,
    query_texts: Annotated[
        Path | None,
        typer.Option(
            help="Real query texts to learn from too (labels unused): a text file, one query per line (a query "
            "log), or a BEIR folder (--split) / queries JSONL; queries also in --data are left out"
        ),
    ] = None,
) -> None:
    """Warm-start a cross-encoder on the indexed corpus without labels (pseudo-queries, BM25 + dense teacher).

    Give the result to `hardneg train --base-model <out>/model`; trained once per index and settings."""
    from rich.progress import Progress

    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.validation import rerank_samples
    from hardneg_haystack.training.warmstart import WarmStartConfig, warm_start

    try:
        config = WarmStartConfig(
            queries=queries,
            teacher_weight=teacher_weight,
            seed=seed,
            bm25_text=bm25_text,
            train=replace(  # the experiment's warm start (judged at half and end of its epoch), with the flags
                WarmStartConfig().train,
                base_model=base_model,
                learning_rate=learning_rate,
                max_length=max_length,
                max_steps=max_steps,
                precision=precision,  # type: ignore[arg-type]
                seed=seed,
            ),
        )
        store, embedder, _ = open_index(work_dir)
        corpus = load_corpus(store)
        samples, held = None, set()
        if data is not None:
            validation = _load_queries(data, split)
            samples = rerank_samples(store, validation, corpus=corpus, bm25_text=bm25_text)
            held = {q.text for q in validation}
        texts = [t for t in _query_texts(query_texts, split) if t not in held] if query_texts else []
        with Progress(console=console) as progress:
            task = progress.add_task("pseudo-queries and teacher lists", total=queries + len(texts))
            result = warm_start(
                corpus,
                store,
                embedder.ensemble,
                out,
                config,
                validation=samples,
                query_texts=texts,
                progress=lambda n: progress.advance(task, n),
                step_progress=_steps_on(progress, "training"),
            )
    except HardnegError as exc:
        _fail(exc)
    how = "reused (same index and settings)" if result.cached else f"{result.steps} steps on {result.lists} lists"
    console.print(f"warm start: {how} -> {result.model_dir}")
    for key in sorted(result.metrics):
        console.print(f"  {key}: {result.metrics[key]:.4f}")


def _query_texts(path: Path, split: str) -> list[str]:
    """Query texts from a plain text file (one per line) or from labelled queries (their labels dropped)."""
    if path.is_file() and path.suffix in (".txt", ".log", ""):
        try:
            return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    return [q.text for q in _load_queries(path, split)]


def distil_cmd(
    teacher: Annotated[Path, typer.Option(help="The trained re-ranker to distil (a model folder)")],
    work_dir: WorkOpt = Path("runs/index"),
    out: Annotated[Path, typer.Option(help="Folder of the student (model/, pairs.jsonl, checkpoints/)")] = Path(
        "runs/student"
    ),
    layers: Annotated[int, typer.Option(min=1, help="Transformer layers the student keeps")] = 3,
    pick: Annotated[
        str, typer.Option(help="spread (evenly spaced, ending with the last layer) or first (the first --layers)")
    ] = "spread",
    data: Annotated[
        Path | None,
        typer.Option(
            help="Labelled queries (BEIR folder or JSONL): 10% VALIDATE the student, the others' texts (never their "
            "labels) join the pseudo-queries"
        ),
    ] = None,
    split: SplitOpt = "train",
    queries: Annotated[int, typer.Option(min=1, help="Pseudo-queries cut from the corpus")] = 2000,
    learning_rate: Annotated[float, typer.Option()] = 2e-4,
    epochs: Annotated[float, typer.Option(help="Passes over the teacher-scored pairs")] = 1.0,
    temperature: Annotated[
        float, typer.Option(help="ListNet target: each list's min-max teacher scores divided by this")
    ] = 0.1,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Distil a trained re-ranker into a smaller student (--layers of its layers) on the teacher's scores.

    The student re-ranks about 6 / --layers times faster than a 6-layer teacher; its quality is reported on
    validation queries, and it is used only where you name it (swap-ranker --model, serve --model)."""
    import random

    from rich.progress import Progress

    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.model_info import reads_bm25
    from hardneg_haystack.training.student import StudentConfig, check_teacher, distil_student
    from hardneg_haystack.training.validation import rerank_samples

    try:
        config = StudentConfig(
            layers=layers,
            pick=pick,
            queries=queries,
            learning_rate=learning_rate,
            epochs=epochs,
            temperature=temperature,
            seed=seed,
            precision=precision,
        )
        check_teacher(teacher, config)  # before any progress bar or work
        store, _, _ = open_index(work_dir)
        corpus = load_corpus(store, need_embeddings=False)
        texts: list[str] = []
        samples = None
        if data is not None:
            labelled = _load_queries(data, split)
            random.Random(seed).shuffle(labelled)
            held = max(1, len(labelled) // 10)
            samples = rerank_samples(store, labelled[:held], corpus=corpus, bm25_text=reads_bm25(teacher))
            texts = [q.text for q in labelled[held:]]
        with Progress(console=console) as progress:
            task = progress.add_task("queries and BM25 candidates", total=None)
            result = distil_student(
                teacher,
                corpus,
                store,
                out,
                config,
                query_texts=texts,
                validation=samples,
                progress=lambda n: progress.advance(task, n),
                step_progress=_steps_on(progress, "training"),
            )
    except HardnegError as exc:
        _fail(exc)
    console.print(
        f"student: {result.layers} of the teacher's {result.teacher_layers} layers, {result.steps} steps on "
        f"{result.pairs} teacher-scored pairs -> {result.model_dir}"
    )
    for key in sorted(result.metrics):
        console.print(f"  {key}: {result.metrics[key]:.4f}")


def tune_dense_cmd(
    mined: Annotated[Path, typer.Option(help="A `hardneg mine` output folder (its ntuples train the member)")],
    data: Annotated[
        Path, typer.Option(help="Labelled queries to VALIDATE each epoch on (BEIR folder or JSONL); never trained on")
    ],
    work_dir: WorkOpt = Path("runs/index"),
    split: SplitOpt = "train",
    out: Annotated[Path, typer.Option(help="Folder of the tuned member (model/, dense_tune.json)")] = Path(
        "runs/dense"
    ),
    member: Annotated[
        str | None, typer.Option(help="The ensemble member to tune (its model or name; default: the heaviest)")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Epochs at most; the best on validation (or none) is kept")] = 3,
    learning_rate: Annotated[float, typer.Option()] = 2e-5,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Queries per batch (others' passages: in-batch negatives)")
    ] = 32,
    negatives: Annotated[int, typer.Option(min=1, help="Mined negatives per query")] = 1,
    max_length: Annotated[int, typer.Option(min=1, help="Tokens the member reads")] = 256,
    precision: Annotated[str, typer.Option(help="auto | bf16 | fp32")] = "auto",
    seed: Annotated[int, typer.Option()] = 42,
    candidates: Annotated[
        int,
        typer.Option(help="Validate on each query's BM25 and dense top N and its positives (0: the whole corpus)"),
    ] = 30,
    apply: Annotated[
        bool, typer.Option("--apply/--no-apply", help="Rewrite the index's vectors with the tuned member")
    ] = False,
) -> None:
    """Tune one ensemble member as a bi-encoder on mined negatives (the labels reach the dense retriever).

    Each epoch is judged by the ensemble's dense nDCG@10 on --data with the tuned member in place; the best
    epoch is kept (none: nothing changes). --apply writes it into the index: queries and documents are then
    embedded with it, so BM25 + dense and the fused pipelines use it."""
    from rich.progress import Progress

    # deferred on purpose: `hardneg --help` must not import torch and the stores (benchmarks/cli_startup.py)
    from hardneg_haystack.index.workdir import open_work_dir, replace_member
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.mining.result import MiningResult
    from hardneg_haystack.training.dense_tune import DenseTuneConfig
    from hardneg_haystack.training.distributed import is_main_process
    from hardneg_haystack.workflows.tune_dense import tune_dense

    try:
        config = DenseTuneConfig(
            epochs=epochs,
            learning_rate=learning_rate,
            batch_size=batch_size,
            negatives=negatives,
            max_length=max_length,
            seed=seed,
            precision=precision,
            candidates=candidates or None,
        )
        store, ensemble, _ = open_work_dir(work_dir)
        validation = _load_queries(data, split)
        if not validation:
            raise DataError(f"{data}: no labelled queries in split {split!r}")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("tuning the dense member", total=epochs + 1)
            outcome = tune_dense(
                store=store, ensemble=ensemble, corpus=load_corpus(store), validation=validation,
                ntuples=MiningResult.read(mined).ntuples(), out=out, config=config, member=member,
                mined_from=str(mined), validation_from=f"{data} --split {split}",
                on_epoch=lambda _e, _s: progress.advance(task, 1),
            )  # fmt: skip
        result, position = outcome.result, outcome.position
        if not is_main_process():  # under torchrun: one process reports and writes the index
            return
        table = Table("epoch", "validation nDCG@10 (dense)", title=f"{outcome.member} on {outcome.rows} tuples")
        for i, score in enumerate(result.curve):
            table.add_row(f"{i}{' (kept)' if i == result.best_epoch else ''}", f"{score:.4f}")
        console.print(table)
        if result.model_dir is None:
            console.print("no epoch beat the member as indexed: nothing to apply")
        elif apply:
            written = replace_member(work_dir, position, result.model_dir)
            console.print(f"index rewritten with {result.model_dir}: {written} documents")
        else:
            console.print(f"tuned member -> {result.model_dir}; write it into the index with --apply")
    except HardnegError as exc:
        _fail(exc)
