"""Trains the Rasa model only when its inputs changed, and builds the knowledge index beside it.

The model's name carries a fingerprint of everything that shapes it (config, domain, rules,
training examples, the custom NLU code), so `make run` and the tests reuse a model as long as
nothing changed, and a changed file always leads to a new model.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
from pathlib import Path
from typing import Iterator

from haina import paths
from haina.languages import LANGUAGES

logger = logging.getLogger(__name__)

# The language detector runs at prediction time from code, so it is not part of the fingerprint.
CODE_SHAPING_THE_MODEL = ("bot/nlu/*.py", "bot/nlu/*.txt", "haina/text/*.py")


def training_data_paths() -> list[Path]:
    """The Core data and the training split of every language (never the held-out split)."""
    return [paths.BOT / "data", *(paths.NLU_DATA / language / "train" for language in LANGUAGES)]


def training_inputs() -> list[Path]:
    files = [paths.CONFIG, *sorted((paths.BOT / "domain").glob("*.yml"))]
    for folder in training_data_paths():
        files.extend(sorted(folder.glob("**/*.yml")))
    for pattern in CODE_SHAPING_THE_MODEL:
        files.extend(sorted(paths.ROOT.glob(pattern)))
    return files


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(paths.ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    return paths.MODELS / f"haina-{fingerprint()}.tar.gz"


def latest_model() -> Path | None:
    """The model for the current inputs if it exists, else the newest one trained."""
    current = model_path()
    if current.exists():
        return current
    models = sorted(paths.MODELS.glob("haina-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One training at a time per checkout: a second `haina train` waits, then reuses the model."""
    paths.MODELS.mkdir(parents=True, exist_ok=True)
    with open(paths.MODELS / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def train(force: bool = False) -> Path:
    """Train if the inputs changed (or `force`); return the model's path."""
    with _exclusive():
        return _train(force)


KEEP_MODELS = 6  # enough that a model a running test session uses is not deleted under it


def prune_models(keep: int = KEEP_MODELS) -> list[Path]:
    """Delete all but the `keep` newest models (each is about 20 MB); returns what was deleted."""
    models = sorted(paths.MODELS.glob("haina-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)
    return models[keep:]


def _train(force: bool) -> Path:
    from haina.knowledge.search import build_dense_index

    target = model_path()
    if target.exists() and not force:
        logger.info("model %s is up to date", target.name)
    else:
        import rasa.api

        logger.info("training %s", target.name)
        result = rasa.api.train(
            domain=str(paths.BOT / "domain"),
            config=str(paths.CONFIG),
            training_files=[str(p) for p in training_data_paths()],
            output=str(paths.MODELS),
            fixed_model_name=target.name[: -len(".tar.gz")],
            force_training=force,
        )
        if result.code != 0 or not target.exists():
            raise RuntimeError(f"training failed (rasa exit code {result.code})")
        prune_models()
    build_dense_index()
    return target
