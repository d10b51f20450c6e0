import json
from pathlib import Path

import numpy as np
import pytest
import torch

from hardneg_haystack.errors import ConfigError, DataError
from hardneg_haystack.ranking.metrics import ndcg_at_k
from hardneg_haystack.ranking.score_fusion import blend, fit_blend_weight, minmax
from hardneg_haystack.training import TrainConfig, TripletMarginLoss, read_training_info, train_cross_encoder
from hardneg_haystack.training.data import group_rows, split_by_query, to_ntuple_dataset
from hardneg_haystack.training.losses import hinge

# A trivially learnable toy: the positive always shares the query's topic word, negatives never do.
TOPICS = ["vpn", "printer", "payroll", "quota", "calendar", "badge", "invoice", "backup", "wifi", "laptop"]
OTHER = ["holiday", "travel", "expense", "refund", "onboarding", "training", "security", "insurance"]


def toy_rows(n_queries: int = 40) -> list[dict]:
    rows = []
    for i in range(n_queries):
        t = TOPICS[i % len(TOPICS)]
        rows.append(
            {
                "query_id": f"q{i}",
                "query": f"how do i fix my {t}",
                "positive": f"{t} {t} policy for the {t}",
                "negatives": [f"{OTHER[(i + j) % len(OTHER)]} policy for the office" for j in range(3)],
            }
        )
    return rows


def test_hinge_hand_computed_and_gradient_sign() -> None:
    pos = torch.tensor([2.0, 0.0], requires_grad=True)
    neg = torch.tensor([[0.5, 1.5], [-2.0, 0.5]], requires_grad=True)
    loss = hinge(pos, neg, margin=1.0)
    # query 0: max(0, 1-2+0.5)=0, max(0, 1-2+1.5)=0.5 ; query 1: max(0,1-0-2)=0, max(0,1-0+0.5)=1.5
    assert loss.item() == pytest.approx((0 + 0.5 + 0 + 1.5) / 4)
    loss.backward()
    assert pos.grad[1] < 0 and pos.grad[0] < 0  # raising a violated positive lowers the loss
    assert neg.grad[0, 1] > 0 and neg.grad[0, 0] == 0  # satisfied triplets give no gradient
    assert hinge(torch.tensor([5.0]), torch.tensor([[0.0]]), margin=1.0).item() == 0.0


def test_triplet_loss_checks_model_and_columns(tiny_models: dict[str, str]) -> None:
    from hardneg_haystack.embedding.models import load_cross_encoder

    model = load_cross_encoder(tiny_models["bert16"])
    loss = TripletMarginLoss(model, margin=0.5)
    value = loss([["vpn"], ["vpn policy"], ["holiday"], ["travel"]])
    assert value.ndim == 0 and torch.isfinite(value)
    assert loss.get_config_dict()["margin"] == 0.5
    with pytest.raises(ValueError, match="columns"):
        loss([["vpn"], ["vpn policy"]])
    with pytest.raises(ValueError, match="margin"):
        TripletMarginLoss(model, margin=-1)


def test_data_grouping_split_and_padding() -> None:
    rows = [
        {"query_id": "a", "query": "qa", "positive": "p", "negative": "n1"},
        {"query_id": "a", "query": "qa", "positive": "p", "negative": "n2"},
        {"query_id": "b", "query": "qb", "positive": "p2", "negatives": ["m1"]},
    ]
    groups = group_rows(rows)
    assert [g.negatives for g in groups] == [["n1", "n2"], ["m1"]]
    ds = to_ntuple_dataset(groups)
    assert ds.column_names == ["query", "positive", "negative_1", "negative_2"]
    assert ds[1]["negative_2"] == "m1"  # short rows repeat their own negatives
    train, val = split_by_query(group_rows(toy_rows(20)), 0.25, seed=1)
    assert len({g.query_id for g in val}) == 5 and not {g.query_id for g in val} & {g.query_id for g in train}
    with pytest.raises(DataError, match="row 1 lacks"):
        group_rows([{"query": "x", "positive": "y"}])


def test_blend_math() -> None:
    assert minmax([1, 3, 2]).tolist() == [0.0, 1.0, 0.5]
    assert minmax([2, 2]).tolist() == [0.5, 0.5]
    assert blend([0, 10], [1, 0], 0.5).tolist() == [0.5, 0.5]
    assert ndcg_at_k([0.9, 0.1], [False, True], k=10) == pytest.approx(1 / np.log2(3))
    # first stage right on query 1, cross-encoder right on query 2: a blend beats both alone
    samples = [
        ([3.0, 2.0, 0.0], [0.0, 0.5, 0.2], [True, False, False]),
        ([1.5, 2.0, 0.0], [1.0, 0.0, 0.9], [True, False, False]),
    ]
    w, table = fit_blend_weight(samples)
    assert table[w] == 1.0 and 0 < w < 1


def test_tiny_cross_encoder_learns_toy_and_reloads(tiny_models: dict[str, str], tmp_path: Path) -> None:
    cfg = TrainConfig(
        base_model=tiny_models["bert16"],
        loss="triplet",
        epochs=6,
        batch_size=8,
        learning_rate=5e-3,
        max_length=32,
        validation_share=0.25,
        eval_steps=5,
        early_stopping_patience=0,
        seed=3,
    )
    validation = [
        {
            "query": f"how do i fix my {t}",
            "positive": [f"{t} {t} policy for the {t}"],
            "documents": [
                "holiday policy for the office",
                f"{t} {t} policy for the {t}",
                "travel policy for the office",
            ],
            "scores": [3.0, 2.0, 1.0],
        }
        for t in TOPICS[:4]
    ]
    res = train_cross_encoder(toy_rows(), tmp_path / "run", cfg, validation=validation, data_description="toy")
    losses = [h["loss"] for h in res.history if "loss" in h]
    assert all(np.isfinite(losses)) and np.mean(losses[-3:]) < np.mean(losses[:3])
    assert res.metrics["validation_ndcg@10"] > 0.9
    assert res.blend_weight is not None and res.blend_weight > 0
    assert (tmp_path / "run" / "training_curve.png").stat().st_size > 1000
    info = read_training_info(res.model_dir)
    assert info["config"]["loss"] == "triplet" and info["data"] == "toy"
    assert "Validation metrics" in (res.model_dir / "README.md").read_text()

    # the folder loads unchanged in Haystack's ranker and scores like the trained model
    from haystack import Document
    from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker
    from sentence_transformers import CrossEncoder

    ranker = SentenceTransformersSimilarityRanker(model=str(res.model_dir), top_k=3, scale_score=False)
    ranker.warm_up()
    docs = [Document(content=d) for d in validation[0]["documents"]]
    ranked = ranker.run(query=validation[0]["query"], documents=docs)["documents"]
    assert ranked[0].content == validation[0]["positive"][0]
    direct = CrossEncoder(str(res.model_dir), activation_fn=torch.nn.Identity()).predict(
        [(validation[0]["query"], d.content) for d in ranked]
    )
    assert np.allclose([d.score for d in ranked], direct, atol=1e-5)


def test_resume_continues_from_checkpoint(tiny_models: dict[str, str], tmp_path: Path) -> None:
    base = dict(
        base_model=tiny_models["bert16"],
        loss="mnrl",
        batch_size=8,
        max_length=32,
        validation_share=0.2,
        eval_steps=2,
        early_stopping_patience=0,
    )
    first = train_cross_encoder(toy_rows(), tmp_path / "run", TrainConfig(**base, max_steps=4))
    assert first.steps == 4
    second = train_cross_encoder(toy_rows(), tmp_path / "run", TrainConfig(**base, max_steps=8))
    assert second.steps == 8
    steps = [h["step"] for h in json.loads((tmp_path / "run" / "history.json").read_text()) if "loss" in h]
    assert min(s for s in steps if s > 4) > 4 and 1 not in steps[len(steps) // 2 :]  # continued, not restarted


def test_bce_option_trains(tiny_models: dict[str, str], tmp_path: Path) -> None:
    cfg = TrainConfig(
        base_model=tiny_models["bert16"],
        loss="bce",
        max_steps=3,
        batch_size=8,
        max_length=32,
        validation_share=0.2,
        eval_steps=3,
        early_stopping_patience=0,
    )
    res = train_cross_encoder(toy_rows(10), tmp_path / "run", cfg)
    assert res.steps == 3 and "validation_ndcg@10" in res.metrics


def test_bad_inputs_are_named(tmp_path: Path, tiny_models: dict[str, str]) -> None:
    from hardneg_haystack.errors import ModelLoadError

    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DataError, match="empty.jsonl: no training rows"):
        train_cross_encoder(empty, tmp_path / "r1", TrainConfig(base_model=tiny_models["bert16"], validation_share=0))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"query": "q", "positive": "p", "negative": "n"}) + "\n" + json.dumps({"query": "q"}))
    with pytest.raises(DataError, match=r"bad.jsonl: row 2 lacks field\(s\) positive"):
        train_cross_encoder(bad, tmp_path / "r2", TrainConfig(base_model=tiny_models["bert16"]))
    with pytest.raises(DataError, match="no training data"):
        train_cross_encoder(tmp_path / "missing", tmp_path / "r3")
    with pytest.raises(ModelLoadError, match="no-such-model"):
        train_cross_encoder(toy_rows(4), tmp_path / "r4", TrainConfig(base_model=str(tmp_path / "no-such-model")))


def test_step_zero_counts_as_a_checkpoint(tiny_models: dict[str, str], tmp_path: Path, monkeypatch) -> None:
    """When no fine-tuned checkpoint beats the starting model on validation, the starting model is kept."""
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.training import cross_encoder as trainer_module

    cfg = TrainConfig(
        base_model=tiny_models["bert16"],
        max_steps=2,
        batch_size=8,
        max_length=32,
        validation_share=0.2,
        eval_steps=1,
        early_stopping_patience=0,
        precision="fp32",
    )
    progress: list[int] = []
    res = train_cross_encoder(toy_rows(), tmp_path / "a", cfg, step_progress=lambda total: progress.append)
    assert res.best_step in (1, 2) and sum(progress) == 2  # a step-0 evaluation is logged, training moved on
    assert trainer_module.start_metric(res.history) is not None

    monkeypatch.setattr(trainer_module, "start_metric", lambda history: 2.0)  # the start "beats" everything
    kept = train_cross_encoder(toy_rows(), tmp_path / "b", cfg)
    assert kept.best_step == 0
    pairs = [("how do i fix my vpn", "vpn vpn policy for the vpn"), ("how do i fix my vpn", "holiday policy")]
    from transformers import set_seed

    set_seed(cfg.seed)  # the fresh head of a bi-encoder start is drawn from the run's seed
    base = load_cross_encoder(tiny_models["bert16"], max_length=32).predict(pairs)
    saved = load_cross_encoder(str(kept.model_dir), max_length=32).predict(pairs)
    assert np.allclose(base, saved, atol=1e-5)  # the saved model is the starting model


def test_resume_refuses_checkpoints_of_another_run(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """Issue 16 item 4: another loss or other data in the same --out is refused, not silently resumed."""
    base = dict(base_model=tiny_models["bert16"], batch_size=8, max_length=32, validation_share=0.2,
                eval_steps=1, early_stopping_patience=0, max_steps=2)  # fmt: skip
    out = tmp_path / "run"
    train_cross_encoder(toy_rows(10), out, TrainConfig(**base, loss="mnrl"))
    card = (out / "model" / "README.md").read_text()
    with pytest.raises(ConfigError, match=r"loss: 'mnrl' -> 'triplet'.*--no-resume"):
        train_cross_encoder(toy_rows(10), out, TrainConfig(**base, loss="triplet"))
    with pytest.raises(ConfigError, match="the training data"):
        train_cross_encoder(toy_rows(12), out, TrainConfig(**base, loss="mnrl"))
    assert (out / "model" / "README.md").read_text() == card  # nothing relabelled
    (out / "run.json").unlink()  # checkpoints nobody can vouch for are not trusted either
    with pytest.raises(ConfigError, match="has no run.json"):
        train_cross_encoder(toy_rows(10), out, TrainConfig(**base, loss="mnrl"))
    fresh = train_cross_encoder(toy_rows(10), out, TrainConfig(**base, loss="triplet"), resume=False)
    assert fresh.steps == 2 and read_training_info(fresh.model_dir)["config"]["loss"] == "triplet"
    assert [h["step"] for h in fresh.history if "loss" in h][0] == 1  # trained from step 0, not resumed


def test_attention_dropout_is_set_for_training(tiny_models: dict[str, str], tmp_path: Path) -> None:
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.training.cross_encoder import set_training_attention

    def attention_p(model) -> list[float]:  # noqa: ANN001
        return [m.dropout.p for n, m in model.model.named_modules() if n.endswith("attention.self")]

    model = load_cross_encoder(tiny_models["bert16"])
    assert attention_p(model) == [0.1]  # BERT's own
    own = model.model.config._attn_implementation
    assert set_training_attention(model, None) == 0 and attention_p(model) == [0.1]
    assert model.model.config._attn_implementation == own  # None: the model's own attention, untouched
    assert set_training_attention(model, 0.0) == 1 and attention_p(model) == [0.0]
    assert model.model.config._attn_implementation == "eager"  # the faster kernel to train on CPU
    with pytest.raises(ConfigError, match="attention_dropout"):
        TrainConfig(attention_dropout=1.0)
    common = {"base_model": tiny_models["bert16"], "max_steps": 1, "batch_size": 4, "max_length": 32,
              "validation_share": 0.0}  # fmt: skip
    for value, expected in ((0.0, 0.0), (None, 0.1), (0.2, 0.2)):
        res = train_cross_encoder(toy_rows(8), tmp_path / str(value), TrainConfig(**common, attention_dropout=value))
        saved = json.loads((res.model_dir / "config.json").read_text())
        assert saved["attention_probs_dropout_prob"] == expected


def test_list_dataset_labels_the_positive_first_and_negatives_by_the_teacher() -> None:
    from hardneg_haystack.training.data import to_list_dataset

    groups = group_rows(
        [
            {"query": "q", "positive": "p", "negatives": ["a", "b", "c"]},
            {"query": "r", "positive": "p2", "negatives": []},  # nothing to rank against: dropped
        ]
    )
    ds = to_list_dataset(groups, [[0.5, 1.7, 0.0], []], num_negatives=2, temperature=0.5)
    assert ds.num_rows == 1
    assert ds[0]["docs"] == ["p", "a", "b"]
    assert ds[0]["labels"] == [2.0, 1.0, 2.0]  # 1/0.5, 0.5/0.5, capped at 1 then /0.5
    with pytest.raises(DataError, match="no training row has a negative"):
        to_list_dataset(groups[1:], [[]])


def test_listnet_with_a_teacher_learns_and_needs_negative_ids(tiny_models: dict[str, str], tmp_path: Path) -> None:
    rows = toy_rows()
    for r in rows:
        r["negative_ids"] = [f"n-{n.split()[0]}" for n in r["negatives"]]
    seen: list[tuple[int, int]] = []

    def teacher(queries: list[str], ids: list[list[str]]) -> list[list[float]]:
        seen.append((len(queries), len(ids[0])))
        return [[0.2 if i.startswith("n-holiday") else 0.0 for i in row] for row in ids]

    cfg = TrainConfig(
        base_model=tiny_models["bert16"], loss="listnet", epochs=6, batch_size=8, learning_rate=5e-3,
        max_length=32, validation_share=0.25, eval_steps=5, early_stopping_patience=0, seed=3,
    )  # fmt: skip
    res = train_cross_encoder(rows, tmp_path / "run", cfg, teacher=teacher)
    assert seen == [(30, 3)]  # one call: every training group's negatives (the 10 validation queries held out)
    assert res.metrics["validation_ndcg@10"] > 0.9 and res.best_step and res.best_step > 0
    assert read_training_info(res.model_dir)["config"]["loss"] == "listnet"
    for r in rows:
        del r["negative_ids"]
    with pytest.raises(DataError, match="a teacher needs the id of every negative"):
        train_cross_encoder(rows, tmp_path / "run2", cfg, teacher=teacher)
    with pytest.raises(ConfigError, match="a teacher labels listnet lists"):
        train_cross_encoder(rows, tmp_path / "run3", TrainConfig(base_model=tiny_models["bert16"]), teacher=teacher)
    with pytest.raises(ConfigError, match="temperature must be > 0"):
        TrainConfig(loss="listnet", temperature=0)


def test_evals_per_epoch_with_early_stopping_stops_a_flat_run(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """Judged twice an epoch, a run whose validation never rises stops after ``patience`` judgements, long before
    its three epochs (the experiment's fine-tune: a source whose negatives teach nothing costs little)."""
    cfg = TrainConfig(
        base_model=tiny_models["bert16"],
        epochs=3.0,
        batch_size=8,
        max_length=32,
        learning_rate=1e-12,  # the model cannot move: every judgement equals the start's
        validation_share=0.2,
        evals_per_epoch=2,
        early_stopping_patience=2,
        precision="fp32",
    )
    res = train_cross_encoder(toy_rows(), tmp_path / "flat", cfg)  # 32 training lists: 4 steps an epoch
    judged = [h["step"] for h in res.history if "eval_validation_ndcg@10" in h]
    assert judged == [0, 2, 4]  # every 2 steps (half an epoch), then two without a gain
    assert res.steps == 4 and res.best_step in (0, 2)  # equal judgements: either is the start's model
    with pytest.raises(ConfigError, match="evals_per_epoch"):
        TrainConfig(evals_per_epoch=0)


def test_judgements_key_weights_and_samples_in_any_order(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """A judgement is remembered by the weights and the samples (in any order), kept in its file, and scored again
    when the weights change; a damaged file is a miss, not an error."""
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.training.judgements import Judgements, samples_digest

    model = load_cross_encoder(tiny_models["bert16"], max_length=32)
    samples = [{"query": "a", "positive": ["x"], "documents": ["x", "y"]}, {"query": "b", "positive": ["z"]}]
    assert samples_digest(samples) == samples_digest(samples[::-1]) != samples_digest(samples[:1])
    path = tmp_path / "judgements.json"
    calls: list[int] = []

    def score() -> dict[str, float]:
        calls.append(1)
        return {"validation_ndcg@10": 0.5 + len(calls)}

    first = Judgements(path).judge(model, samples_digest(samples), "fp32", score)
    again = Judgements(path).judge(model, samples_digest(samples[::-1]), "fp32", score)  # from the file
    assert first == again == {"validation_ndcg@10": 1.5} and len(calls) == 1
    assert Judgements(path).judge(model, samples_digest(samples), "bf16", score) == {"validation_ndcg@10": 2.5}
    with torch.no_grad():
        next(model.model.parameters()).add_(1.0)
    assert Judgements(path).judge(model, samples_digest(samples), "fp32", score) == {"validation_ndcg@10": 3.5}
    path.write_text("{damaged")
    assert Judgements(path).judge(model, samples_digest(samples), "fp32", score) == {"validation_ndcg@10": 4.5}


def test_a_fine_tune_judges_each_weights_once(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """The final judgement of the best checkpoint and a second run from the same start are answered from the
    shared judgements, with the metrics a fresh scoring gives."""
    from hardneg_haystack.training.judgements import Judgements

    cfg = TrainConfig(
        base_model=tiny_models["bert16"], max_steps=2, batch_size=8, max_length=32, validation_share=0.2,
        eval_steps=1, early_stopping_patience=0, precision="fp32",
    )  # fmt: skip
    judgements = Judgements(tmp_path / "judgements.json")
    res = train_cross_encoder(toy_rows(), tmp_path / "a", cfg, judgements=judgements)
    evals = [h for h in res.history if "eval_validation_ndcg@10" in h]
    assert [h["step"] for h in evals] == [0, 1, 2]
    assert judgements.hits == 1  # the best checkpoint, judged again at the end
    fresh = train_cross_encoder(toy_rows(), tmp_path / "fresh", cfg)  # no shared judgements: scored anew
    assert fresh.metrics == pytest.approx(res.metrics, abs=1e-9)
    again = Judgements(tmp_path / "judgements.json")
    rerun = train_cross_encoder(toy_rows(), tmp_path / "b", cfg, judgements=again)
    assert again.hits == 4 and rerun.metrics == res.metrics  # the same start and steps: nothing scored again
