"""Does fine-tuning the dense member on the mined negatives lift the fused system? (VALIDATION chooses.)

The fused system (BM25 + dense + cross-encoder) is bounded by its signals: fitted on the test queries
themselves, the weights give the warm-started cross-encoder no share (``fusion_probe.py --oracle``). The
labels are the one source of knowledge none of the three signals has seen. This probe fine-tunes the
ensemble's strongest member (the packaged all-MiniLM-L6-v2) as a bi-encoder on an experiment's training
queries (its validation queries held out) with the experiment's mined negatives (``--miner``), sentence-
transformers' MultipleNegativesRankingLoss (the mined negatives plus in-batch ones), re-embeds the corpus,
and reports on the validation queries (to choose) and the test queries (to report): dense alone, BM25 +
dense (weight fitted on validation), and BM25 + dense + the run's cross-encoder over BM25's top 100
(weights fitted on validation; cross-encoder scores from ``fusion_probe.py``'s cache).

    python benchmarks/fusion_probe.py runs/scifact_qt --model warm-start      # fills the score cache
    python benchmarks/dense_probe.py runs/scifact_qt --epochs 1 2 3

Writes benchmarks/results/dense_probe.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from _bench import environment, print_table, write_results

SCIFACT = Path(__file__).parents[2] / "shared" / "data" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="a `hardneg experiment` output folder")
    parser.add_argument("--data", type=Path, default=SCIFACT)
    parser.add_argument("--miner", default="ensemble")
    parser.add_argument("--model", default="warm-start", help="the cross-encoder whose cached scores are fused")
    parser.add_argument("--epochs", type=int, nargs="+", default=[1, 2, 3], help="evaluate after these epochs")
    parser.add_argument("--negatives", type=int, default=1, help="mined negatives per query (plus in-batch)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--out", type=Path, default=Path("/tmp/dense_probe"))
    args = parser.parse_args()

    import torch
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, losses
    from sentence_transformers.training_args import SentenceTransformerTrainingArguments

    from hardneg_haystack.embedding.models import resolve_model
    from hardneg_haystack.evaluation.first_stage import FirstStage
    from hardneg_haystack.evaluation.runs import maxp, qrels_of
    from hardneg_haystack.experiment.config import ExperimentConfig
    from hardneg_haystack.experiment.runner import Experiment, ExperimentData, saved_config
    from hardneg_haystack.ranking.metrics import per_query
    from hardneg_haystack.ranking.score_fusion import blend, fit_blend_weight, fit_fusion_weights, fuse

    torch.manual_seed(42)
    state = json.loads((args.run / "state.json").read_text())
    config = ExperimentConfig.from_dict(saved_config(state))
    exp = Experiment(ExperimentData.load(args.data, config), args.run, config)
    store, ens, corpus = exp.opened()
    held = set(exp.validation_ids)
    cache = json.loads((args.run / "fusion_probe" / f"{args.model}.json").read_text())

    rows = []
    for line in (args.run / "mined" / args.miner / "ntuples.jsonl").read_text().splitlines():
        r = json.loads(line)
        if r["query_id"] in held:
            continue
        rows.append({"anchor": r["query"], "positive": r["positive"],
                     **{f"negative_{i}": r["negatives"][i] for i in range(args.negatives)}})  # fmt: skip
    print(f"{len(rows)} training pairs ({len(held)} validation queries held out)", flush=True)

    base = resolve_model("minilm").source
    model = SentenceTransformer(base, device="cpu")
    model.max_seq_length = args.max_length
    sets = {"validation": exp.validation_queries, "test": exp.data.test}
    first = {n: FirstStage.compute(corpus, store, qs, ens.encode([q.text for q in qs], "query"), 300)
             for n, qs in sets.items()}  # fmt: skip

    def measure(label: str, enc: SentenceTransformer) -> dict[str, Any]:
        t0 = time.perf_counter()
        docs = enc.encode(corpus.contents, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        enc_s = time.perf_counter() - t0
        out: dict[str, Any] = {"model": label, "corpus encode s": round(enc_s, 1)}
        fits: dict[str, Any] = {}
        for name in ("validation", "test"):
            fs = first[name]
            qv = enc.encode([q.text for q in fs.queries], normalize_embeddings=True, show_progress_bar=False)
            fs2 = FirstStage(corpus, fs.queries, fs.bm25, qv @ docs.T)
            qrels = qrels_of(fs.queries)
            if name == "validation":  # fit both blends here; apply them to test
                blend_samples, fusion_samples = [], []
                for qi, q in enumerate(fs2.queries):
                    pos = set(corpus.positive_indices(q.positive_ids))
                    idx, bm, dn = fs2.hybrid_candidates(qi, config.depth)
                    blend_samples.append((bm, dn, [i in pos for i in idx]))
                    top = fs2.bm25[qi][: config.depth]
                    ce = [cache[q.id][str(i)] for i, _ in top]
                    sig = [np.asarray([s for _, s in top]), fs2.dense[qi][[i for i, _ in top]], np.asarray(ce)]
                    fusion_samples.append((sig, [i in pos for i, _ in top]))
                fits["hybrid"] = fit_blend_weight(blend_samples)[0]
                fits["fused"] = fit_fusion_weights([s for s in fusion_samples if any(s[1])])[0]
            runs = {"dense": fs2.dense_run(config.depth), "bm25 + dense": fs2.hybrid_run(fits["hybrid"], config.depth)}
            fused = {}
            for qi, q in enumerate(fs2.queries):
                top = fs2.bm25[qi][: config.depth]
                ce = [cache[q.id][str(i)] for i, _ in top]
                sig = [np.asarray([s for _, s in top]), fs2.dense[qi][[i for i, _ in top]], np.asarray(ce)]
                fused[q.id] = maxp(dict(zip([i for i, _ in top], fuse(sig, fits["fused"]).tolist(), strict=True)),
                                   corpus, config.depth)  # fmt: skip
            runs["fused"] = fused
            for sys_name, run in runs.items():
                per = per_query(qrels, run, ("ndcg@10",))["ndcg@10"]
                out[f"{name} {sys_name}"] = round(float(np.mean([per[i] for i in sorted(qrels)])), 4)
        out["hybrid w"] = fits["hybrid"]
        out["fused w"] = [round(x, 2) for x in fits["fused"]]
        print(out, flush=True)
        return out

    del blend  # the blend itself is applied inside FirstStage.hybrid_run
    results = [measure("packaged minilm (epoch 0)", model)]
    data = Dataset.from_list(rows)
    loss = losses.MultipleNegativesRankingLoss(model)
    done = 0
    train_s = 0.0
    for epoch in sorted(args.epochs):
        targs = SentenceTransformerTrainingArguments(
            output_dir=str(args.out / "trainer"),
            num_train_epochs=epoch - done,
            per_device_train_batch_size=args.batch_size,
            learning_rate=args.lr,
            warmup_ratio=0.1 if done == 0 else 0.0,
            lr_scheduler_type="constant_with_warmup",
            bf16=True,
            use_cpu=True,
            save_strategy="no",
            report_to=[],
            logging_steps=10,
            batch_sampler="no_duplicates",
            seed=42 + done,
            dataloader_num_workers=0,
        )
        t0 = time.perf_counter()
        SentenceTransformerTrainer(model=model, args=targs, train_dataset=data, loss=loss).train()
        train_s += time.perf_counter() - t0
        done = epoch
        res = measure(f"fine-tuned, {epoch} epoch(s)", model)
        res["train s"] = round(train_s, 1)
        results.append(res)
    model.save(str(args.out / "model"))
    print_table(results, "dense member fine-tuned on mined negatives (validation chooses; test reported)")
    write_results("dense_probe", {"environment": environment(), "args": {k: str(v) for k, v in vars(args).items()},
                                  "rows": results})  # fmt: skip


if __name__ == "__main__":
    main()
