"""LinearIntentClassifier: trains on sparse + dense features, calibrated ranking, survives persistence."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier, fit_temperature, softmax

INTENTS = ["greet", "work_permit_fee", "tax_residency"]
VOCAB = 30


def featurised(text: str, intent: str | None, rng: np.random.Generator) -> Message:
    """A message whose features point at its intent, with noise, as the featurizers would add them."""
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    index = INTENTS.index(intent) if intent else int(rng.integers(len(INTENTS)))
    counts = np.zeros((1, VOCAB))
    counts[0, index * 10 : index * 10 + 10] = rng.random(10) > 0.4
    counts[0, rng.integers(VOCAB)] += 1
    dense = rng.normal(0, 0.3, (1, 8))
    dense[0, index] += 1.0
    message.add_features(Features(scipy.sparse.coo_matrix(counts), "sentence", TEXT, "cv"))
    message.add_features(Features(dense.astype(np.float32), "sentence", TEXT, "e5"))
    return message


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(storage, resource: Resource) -> LinearIntentClassifier:
    rng = np.random.default_rng(0)
    examples = [featurised(f"{intent} {i}", intent, rng) for intent in INTENTS for i in range(24)]
    config = LinearIntentClassifier.get_default_config()
    component = LinearIntentClassifier.create(config, storage, resource, context())
    component.train(TrainingData(examples))
    return component


def test_ranking_is_a_calibrated_distribution_and_right(storage):
    component = trained(storage, Resource("linear"))
    rng = np.random.default_rng(1)
    messages = [featurised(f"q{i}", intent, rng) for i, intent in enumerate(INTENTS * 5)]
    truth = [m.get(INTENT) for m in messages]
    fresh = [Message(data={TEXT: m.get(TEXT)}, features=m.features) for m in messages]
    component.process(fresh)
    assert [m.get(INTENT)["name"] for m in fresh] == truth
    for message in fresh:
        ranking = message.get(INTENT_RANKING_KEY)
        assert ranking[0]["name"] == message.get(INTENT)["name"]
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
        assert all(a["confidence"] >= b["confidence"] for a, b in zip(ranking, ranking[1:]))
    assert component.model["temperature"] > 0


def test_persisted_model_loads_with_only_trusted_types(storage):
    resource = Resource("linear")
    component = trained(storage, resource)
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, resource, context())
    assert loaded.model is not None, "the model did not load (an untrusted type?)"
    rng = np.random.default_rng(2)
    message = featurised("x", "tax_residency", rng)
    np.testing.assert_allclose(loaded.probabilities([message]), component.probabilities([message]))


def test_empty_message_gets_an_empty_intent(storage):
    component = trained(storage, Resource("linear"))
    message = Message(data={TEXT: ""})
    component.process([message])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}


def test_temperature_fits_the_held_back_scores():
    rng = np.random.default_rng(3)
    targets = rng.integers(0, 4, 400)
    scores = rng.normal(0, 1, (400, 4))
    scores[np.arange(400), targets] += 2.0  # right more often than not, not always
    factor = fit_temperature(scores, targets)
    likelihood = lambda f: np.log(softmax(scores * f)[np.arange(400), targets]).mean()  # noqa: E731
    assert likelihood(factor) >= max(likelihood(factor * 0.5), likelihood(factor * 2.0))


def test_sparse_features_are_rasas_sentence_features_of_all_featurizers():
    rng = np.random.default_rng(3)
    message = Message(data={TEXT: "work permit"})
    for origin, width in (("regex", 3), ("cv-words", 7), ("cv-chars", 11)):
        sequence = scipy.sparse.coo_matrix(rng.integers(0, 2, size=(2, width)))
        message.add_features(Features(sequence, "sequence", TEXT, origin))
        message.add_features(Features(scipy.sparse.coo_matrix(rng.integers(0, 3, size=(1, width))),
                                      "sentence", TEXT, origin))
    message.add_features(Features(rng.random((1, 4)).astype(np.float32), "sentence", TEXT, "e5"))
    expected = message.get_sparse_features(TEXT)[1].features.tocsr()
    found = LinearIntentClassifier._sparse(message)
    assert found.shape == expected.shape == (1, 21)
    assert (found != expected).nnz == 0
    assert LinearIntentClassifier._sparse(Message(data={TEXT: "x"})) is None


def test_one_message_at_a_time_gives_the_same_probabilities_as_scikit_learn(storage):
    component = trained(storage, Resource("linear"))
    rng = np.random.default_rng(3)
    messages = [featurised(f"q{i}", intent, rng) for i, intent in enumerate(INTENTS * 4)]
    assert component._weights() is not None  # the fast path is the one tested
    for message in messages:
        # compared as logarithms: the calibrated probabilities of the unlikely labels are tiny
        np.testing.assert_allclose(np.log(component.message_probabilities(message)),
                                   np.log(component.probabilities([message])[0]), rtol=1e-9, atol=1e-9)
