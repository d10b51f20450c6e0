import json
import random
from pathlib import Path

import numpy as np
import pytest

from hardneg_haystack.errors import ConfigError
from hardneg_haystack.training.student import (
    StudentConfig,
    chosen_layers,
    cut_layers,
    distil_student,
    listnet_targets,
    pick_candidates,
)


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-layer tiny cross-encoder saved as a trained model folder (hardneg.json: 32 tokens, BM25 text)."""
    from conftest import build_tiny_bert

    from hardneg_haystack.embedding.models import load_cross_encoder

    root = tmp_path_factory.mktemp("teacher")
    model = load_cross_encoder(str(build_tiny_bert(root / "bert", hidden=16, seed=5, layers=3)), max_length=32)
    model.model.classifier.weight.data.normal_(0.0, 2.0)  # scores that differ from pair to pair
    out = root / "model"
    model.save(str(out))
    card = {"config": {"max_length": 32, "bm25_text": True}, "fusion_weights": {"bm25": 0.5, "dense": 0.5}}
    (out / "hardneg.json").write_text(json.dumps(card))
    return out


def test_pick_candidates_keeps_the_head_and_samples_the_rest() -> None:
    ranked = list(range(10))
    picked = pick_candidates(ranked, 6, random.Random(0))
    assert picked[:3] == [0, 1, 2] and len(picked) == 6 == len(set(picked))
    assert pick_candidates([4, 5], 6, random.Random(0)) == [4, 5]


def test_listnet_targets_are_the_same_for_any_teacher_scale() -> None:
    small, large = listnet_targets([0.3, -0.2, 0.05], 0.1), listnet_targets([30.0, -20.0, 5.0], 0.1)
    assert small == large == [10.0, 0.0, 5.0]
    assert listnet_targets([1.0, 1.0], 0.5) == [1.0, 1.0]  # no order to learn: a flat target
    assert listnet_targets([2.0, 0.0], 1.0) == [1.0, 0.0]


def test_cut_layers_keeps_the_first_layers(teacher: Path) -> None:
    import torch

    from hardneg_haystack.embedding.models import load_cross_encoder

    model = load_cross_encoder(str(teacher))
    first = [p.detach().clone() for p in model.model.bert.encoder.layer[0].parameters()]
    assert cut_layers(model, 1) == 3
    assert len(model.model.bert.encoder.layer) == 1 and model.model.config.num_hidden_layers == 1
    assert all(torch.equal(a, b) for a, b in zip(first, model.model.bert.encoder.layer[0].parameters(), strict=True))
    assert model.predict([("vpn", "vpn token")]).shape == (1,)
    with pytest.raises(ConfigError, match="has 1 layers"):
        cut_layers(model, 1)


def test_spread_cut_ends_with_the_last_layer(teacher: Path) -> None:
    import torch

    from hardneg_haystack.embedding.models import load_cross_encoder

    assert chosen_layers(6, 2) == [2, 5] and chosen_layers(6, 3) == [1, 3, 5] and chosen_layers(3, 1) == [2]
    assert chosen_layers(6, 2, "first") == [0, 1]
    model = load_cross_encoder(str(teacher))
    last = [p.detach().clone() for p in model.model.bert.encoder.layer[2].parameters()]
    assert cut_layers(model, 1, "spread") == 3
    assert all(torch.equal(a, b) for a, b in zip(last, model.model.bert.encoder.layer[0].parameters(), strict=True))
    with pytest.raises(ConfigError, match="pick must be spread or first"):
        StudentConfig(pick="middle")
    with pytest.raises(ConfigError, match="temperature must be > 0, got 0"):
        StudentConfig(temperature=0)


def test_student_learns_the_teachers_scores(teacher: Path, tiny_index: Path, tmp_path: Path) -> None:
    from hardneg_haystack.components.indexing import open_index
    from hardneg_haystack.embedding.models import load_cross_encoder
    from hardneg_haystack.mining.corpus import load_corpus
    from hardneg_haystack.training.model_info import reads_bm25

    store, _, _ = open_index(tiny_index)
    corpus = load_corpus(store, need_embeddings=False)
    config = StudentConfig(layers=1, queries=8, pool=4, per_query=4, epochs=2)
    out = tmp_path / "student"
    res = distil_student(teacher, corpus, store, out, config, query_texts=["reset a vpn token"])
    assert res.layers == 1 and res.teacher_layers == 3 and res.pairs > 0 and res.steps > 0
    rows = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert len(rows) == res.pairs and any(r["query"] == "reset a vpn token" for r in rows)
    assert all(r["document"].split(" [SEP] ", 1)[0].isdigit() for r in rows)  # tagged: the teacher reads BM25
    saved = json.loads((res.model_dir / "config.json").read_text())
    assert saved["num_hidden_layers"] == 1
    # one teacher load scored the pairs (raw logits) and became the student: its output activation is restored
    student, original = load_cross_encoder(str(res.model_dir)), load_cross_encoder(str(teacher))
    assert type(student.activation_fn) is type(original.activation_fn)
    assert not isinstance(student.activation_fn, __import__("torch").nn.Identity)
    assert reads_bm25(res.model_dir)  # scorers of the student add the tag too
    card = json.loads((res.model_dir / "hardneg.json").read_text())
    assert card["student"]["kept"] == [2]  # spread: the one layer kept is the teacher's last
    assert card["student"]["teacher_layers"] == 3 and card["fusion_weights"] == {"bm25": 0.5, "dense": 0.5}
    assert card["config"]["max_length"] == 32

    with pytest.raises(ConfigError, match="another teacher or with other settings"):
        distil_student(teacher, corpus, store, out, StudentConfig(layers=2, queries=8), query_texts=["x"])

    # what it learns: scores the teacher gave (here a rule it can learn: passages about tokens score high)
    target = [{**r, "score": 2.0 if "token" in r["document"].lower() else -2.0} for r in rows]
    assert len({r["score"] for r in target}) == 2

    def distil(loss: str) -> Path:
        taught = tmp_path / loss
        taught.mkdir()
        (taught / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in target))  # a resumed run's
        config = StudentConfig(layers=1, queries=8, pool=4, per_query=4, loss=loss, epochs=15, learning_rate=3e-3,
                               batch_size=4 if loss == "mse" else 2)  # fmt: skip
        return distil_student(teacher, corpus, store, taught, config, query_texts=["reset a vpn token"]).model_dir

    def scores(model_dir: Path | None) -> np.ndarray:
        import torch

        model = load_cross_encoder(str(model_dir or teacher), max_length=32)
        if model_dir is None:
            cut_layers(model, 1, "spread")  # the student's starting point
        model.activation_fn = torch.nn.Identity()
        return np.asarray(model.predict([(r["query"], r["document"]) for r in target], show_progress_bar=False))

    wanted = np.asarray([r["score"] for r in target])

    def error(got: np.ndarray) -> float:  # mean squared distance to the target scores
        return float(np.mean((got - wanted) ** 2))

    def gap(got: np.ndarray) -> float:  # how far the student puts the target's high passages above its low ones
        return float(got[wanted > 0].mean() - got[wanted < 0].mean())

    cut = scores(None)
    assert error(scores(distil("mse"))) < 0.5 * error(cut)
    # ListNet learns each list's order (targets min-max / temperature: 10 vs 0), not the teacher's scale
    assert abs(gap(cut)) < 0.5 and gap(scores(distil("listnet"))) > 2.0


def test_distil_cli(teacher: Path, tiny_index: Path, beir_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hardneg_haystack.cli import app

    runner = CliRunner()
    missing = runner.invoke(app, ["distil", "--teacher", str(tmp_path / "nowhere"), "-w", str(tiny_index)])
    assert missing.exit_code == 2 and "teacher must be a trained model folder" in missing.output
    assert "Traceback" not in missing.output
    args = ["distil", "--teacher", str(teacher), "-w", str(tiny_index), "--out", str(tmp_path / "s"), "--layers", "1"]
    done = runner.invoke(app, [*args, "--queries", "4", "--data", str(beir_dir)])
    assert done.exit_code == 0, done.output
    assert "student: 1 of the teacher's 3 layers" in done.output and "validation_ndcg@10" in done.output
    too_deep = runner.invoke(app, [*args[:-1], "3", "--out", str(tmp_path / "t")])
    assert too_deep.exit_code == 2 and "must keep fewer" in too_deep.output
