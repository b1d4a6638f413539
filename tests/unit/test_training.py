"""Model bookkeeping: fingerprints and pruning (training itself runs in the e2e tests' fixture)."""

import os

from haina import paths, training


def test_fingerprint_follows_training_inputs_only():
    first = training.fingerprint()
    assert first == training.fingerprint()  # deterministic
    inputs = {p.relative_to(paths.ROOT).as_posix() for p in training.training_inputs()}
    assert "config.yml" in inputs
    assert not any("/test/" in p for p in inputs), "the held-out split must never shape the model"


def test_prune_keeps_the_newest(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "MODELS", tmp_path)
    for i in range(5):
        model = tmp_path / f"haina-{i:012d}.tar.gz"
        model.write_bytes(b"x")
        os.utime(model, (1_000_000 + i, 1_000_000 + i))
    deleted = training.prune_models(keep=2)
    assert sorted(p.name for p in tmp_path.glob("haina-*")) == ["haina-000000000003.tar.gz", "haina-000000000004.tar.gz"]
    assert len(deleted) == 3
