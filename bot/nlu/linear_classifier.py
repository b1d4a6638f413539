"""LinearIntentClassifier: a linear SVM over sparse and dense sentence features, with calibrated probabilities.

DIET's transformer took most of an hour to train on eight languages' examples on two cores, and
a multinomial logistic regression over the same features still took minutes. A linear SVM
(liblinear, one-vs-rest) over tf-idf weighted word and character n-gram counts beside the e5
sentence embedding trains in seconds and is as accurate; `make bench-nlu` measures it against
the plain Rasa pipeline and the other variants.

An SVM's scores are not probabilities, yet the FallbackClassifier and the answer selection need
confidences. They come from temperature scaling (a softmax over the scores times one factor): the
factor is fitted on a share of the training examples held back from a first fit, then the model
is fitted again on all of them.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.skops"
TRUSTED = [
    "sklearn.svm._classes.LinearSVC",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "numpy.ndarray", "numpy.dtype", "numpy.float64", "numpy.int64", "numpy.int32",
    "scipy.sparse._dia.dia_matrix", "scipy.sparse._csr.csr_matrix",
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.float",
]


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large scores."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_temperature(scores: np.ndarray, targets: np.ndarray) -> float:
    """The factor for `scores` whose softmax gives the held-back examples the highest likelihood."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(targets))

    def negative_log_likelihood(factor: float) -> float:
        scaled = scores * factor
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float((log_norm - scaled[rows, targets]).mean())

    return float(minimize_scalar(negative_log_likelihood, bounds=(0.05, 100.0), method="bounded").x)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classifier: tf-idf weighted sparse features and dense embeddings, linear SVM."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 1.0, "dense_weight": 2.0, "calibration_share": 0.25, "random_seed": 42}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Dict[str, Any]] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    # -- features ---------------------------------------------------------------------------------
    @staticmethod
    def _sparse(message: Message) -> Optional[scipy.sparse.spmatrix]:
        """The sentence features of every sparse featurizer side by side, in pipeline order: what
        `message.get_sparse_features(TEXT)[1]` gives, without its deep copies and the sequence
        features it also combines (a third of this classifier's time per message)."""
        sentence = [f.features for f in message.features
                    if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE]
        if not sentence:
            return None
        return (sentence[0] if len(sentence) == 1 else scipy.sparse.hstack(sentence)).tocsr()

    @staticmethod
    def _dense(message: Message) -> Optional[np.ndarray]:
        _, sentence = message.get_dense_features(TEXT)
        return sentence.features[0] if sentence is not None else None

    def _matrix(self, messages: List[Message], fit: bool = False) -> scipy.sparse.csr_matrix:
        from sklearn.feature_extraction.text import TfidfTransformer

        sparse_rows = [self._sparse(m) for m in messages]
        dense_rows = [self._dense(m) for m in messages]
        blocks = []
        if all(row is not None for row in sparse_rows) and sparse_rows:
            counts = scipy.sparse.vstack(sparse_rows).tocsr()
            if fit:
                self.model["tfidf"] = TfidfTransformer(sublinear_tf=True).fit(counts)
            blocks.append(self.model["tfidf"].transform(counts))
        if all(row is not None for row in dense_rows) and dense_rows:
            blocks.append(scipy.sparse.csr_matrix(np.vstack(dense_rows) * float(self.config["dense_weight"])))
        return scipy.sparse.hstack(blocks).tocsr()

    # -- training and prediction ------------------------------------------------------------------
    def _svm(self) -> Any:
        from sklearn.svm import LinearSVC

        return LinearSVC(C=float(self.config["C"]), random_state=int(self.config["random_seed"]))

    def _temperature(self, X: scipy.sparse.csr_matrix, y: np.ndarray) -> float:
        """Fit the softmax factor on a stratified share held back from a first fit (1.0 if too few examples)."""
        from sklearn.model_selection import train_test_split

        share = float(self.config["calibration_share"])
        counts = np.bincount(y)
        if not 0.0 < share < 1.0 or counts.min() < 2 or share * len(y) < len(counts):
            return 1.0
        fit_rows, held_rows = train_test_split(np.arange(len(y)), test_size=share, stratify=y,
                                               random_state=int(self.config["random_seed"]))
        first = self._svm().fit(X[fit_rows], y[fit_rows])
        scores = first.decision_function(X[held_rows])
        # classes missing from the first fit cannot be scored: calibrate on the rest
        known = np.isin(y[held_rows], first.classes_)
        targets = np.searchsorted(first.classes_, y[held_rows][known])
        return fit_temperature(scores[known], targets)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        labels = sorted({m.get(INTENT) for m in examples})
        if len(labels) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained")
            return self._resource
        started = time.perf_counter()
        self.model = {"labels": labels}
        X = self._matrix(examples, fit=True)
        y = np.array([labels.index(m.get(INTENT)) for m in examples])
        self.model["temperature"] = self._temperature(X, y)
        self.model["classifier"] = self._svm().fit(X, y)
        logger.info("LinearIntentClassifier: %d examples, %d intents, %d features, trained in %.1f s",
                    X.shape[0], len(labels), X.shape[1], time.perf_counter() - started)
        self.persist()
        return self._resource

    def probabilities(self, messages: List[Message]) -> np.ndarray:
        """Calibrated probabilities of every label (in `self.model["labels"]` order) per message."""
        scores = self.model["classifier"].decision_function(self._matrix(messages))
        return softmax(np.atleast_2d(scores) * self.model["temperature"])

    def message_probabilities(self, message: Message) -> np.ndarray:
        """`probabilities([message])[0]`, computed straight from the message's few non-zero features.

        At run time every message is classified on its own, and scikit-learn's input checks, the
        sparse stacking and the tf-idf transform of one row cost more than the arithmetic (about 5 ms
        of Rasa's event loop per message). The same sums, in the same order of features, take a
        fraction of a millisecond; a test checks that both give the same probabilities.
        """
        weights = self._weights()
        counts, dense = self._sparse(message), self._dense(message)
        if weights is None or counts is None or dense is None:
            return self.probabilities([message])[0]
        values = counts.data.astype(np.float64)
        tfidf = self.model["tfidf"]
        if tfidf.sublinear_tf:
            values = np.log(values) + 1.0
        if tfidf.use_idf:
            values = values * tfidf.idf_[counts.indices]
        if tfidf.norm == "l2":
            length = np.sqrt(np.dot(values, values))
            values = values / length if length > 0 else values
        elif tfidf.norm is not None:
            return self.probabilities([message])[0]
        sparse_part, dense_part, intercept = weights
        scores = values @ sparse_part[counts.indices] + (np.asarray(dense, dtype=np.float64).ravel()
                                                         * float(self.config["dense_weight"])) @ dense_part
        return softmax((scores + intercept)[None, :] * self.model["temperature"])[0]

    def _weights(self) -> Optional[tuple]:
        """The SVM's weights per feature (rows) and class (columns), split at the end of the sparse
        features; None where the fast path does not apply (two classes, no tf-idf)."""
        if getattr(self, "_weight_cache", None) is None:
            classifier, tfidf = self.model.get("classifier"), self.model.get("tfidf")
            coef = getattr(classifier, "coef_", None)
            if coef is None or coef.shape[0] < 3 or tfidf is None:
                self._weight_cache = (None,)
            else:
                width = len(tfidf.idf_)
                transposed = np.ascontiguousarray(coef.T, dtype=np.float64)
                self._weight_cache = ((transposed[:width], transposed[width:], classifier.intercept_.astype(np.float64)),)
        return self._weight_cache[0]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self.model or not message.get(TEXT):
                # Like Rasa's own classifiers: an empty message still gets an (empty) intent, which
                # the FallbackClassifier after us expects to find.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            probabilities = self.message_probabilities(message)
            order = np.argsort(-probabilities)[:LABEL_RANKING_LENGTH]
            ranking = [{"name": self.model["labels"][i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    # -- persistence ------------------------------------------------------------------------------
    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED]
                if untrusted:
                    raise ValueError(f"untrusted types in the intent model: {untrusted}")
                return cls(config, model_storage, resource, sio.load(path, trusted=TRUSTED))
        except (ValueError, FileNotFoundError) as error:
            logger.warning("LinearIntentClassifier could not load its model: %s", error)
            return cls(config, model_storage, resource)
