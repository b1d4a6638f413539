"""`python -m bench nlu`: intents per language against the plain Rasa pipeline, language ID, parse time.

Three measurements:

1. Intents: every pipeline below is trained on the training split (nlu_data/<lang>/train plus the
   regexes of bot/data) and parses every held-out example (nlu_data/<lang>/test, never trained on).
   Accuracy and macro-F1 per language count the intent the assistant acts on, so a message the
   FallbackClassifier turns into `nlu_fallback` counts as wrong. Pipelines: Haina's config.yml;
   the variants that justify it (no e5 embeddings; no n-gram counts; DIET instead of the linear
   classifier over the same features); and the peer, the pipeline `rasa init` gives a new project
   (its config.yml leaves the pipeline empty, so Rasa fills in its default one: whitespace tokens,
   word and character n-grams, DIETClassifier for 100 epochs), as one model over all languages and
   as one model per language (each message given to its own language's model).
   Trained models (NLU only, so that training times compare) are kept under bench/out/nlu-models/,
   named by a fingerprint of their config, data and code, so a rerun reuses them (the peer's DIET
   takes long on two cores).
2. Language ID on ../shared/langid (sentences, word pairs, single words), each backend alone and
   the component with its rules (haina.langid.LanguageResolver on a first message, no context),
   all restricted to the eight languages. The language of every question of
   ../shared/eval/dev_questions.jsonl as Haina's model decides it is counted too.
3. Time per message: how long each held-out message takes to parse with each trained pipeline
   (p50/p95, one message at a time, after loading).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import logging
import os
import shutil
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from bench.conversations import strip_entities
from bench.report import OUT, machine, machine_line, write_json, write_section
from bench.stats import percentile
from haina import paths
from haina.datatools import read_examples
from haina.languages import LANGUAGES

MODELS = OUT / "nlu-models"
LANGID = paths.SHARED / "langid"
LANGID_KINDS = ("sentences", "word-pairs", "single-words")
DEV_QUESTIONS = paths.SHARED / "eval" / "dev_questions.jsonl"
FALLBACK = "nlu_fallback"

TARGET_F1 = 0.95
TARGET_WORD_PAIRS = 0.985
TARGET_SENTENCES = 0.998

PEER = "rasa-default"
PEER_BY_LANGUAGE = "rasa-default-by-language"
PIPELINES = ("haina", "haina-sparse", "haina-dense", "haina-diet", PEER, PEER_BY_LANGUAGE)
# haina-diet is measured on request only (--nlu-pipelines): DIET over 384 dense plus the sparse
# dimensions trains for hours on two cores. So does the peer as one model over all eight languages
# (its dense layer over the char n-grams of eight scripts is updated in full on every batch); the
# same config trained once per language takes minutes, and is the peer measured by default.
DEFAULT_PIPELINES = ("haina", "haina-sparse", "haina-dense", PEER, PEER_BY_LANGUAGE)
DESCRIPTIONS = {
    "haina": "config.yml: our tokenizer, regex + word + char 1-4 n-gram counts, e5 embedding, linear SVM",
    "haina-sparse": "config.yml without the e5 embedding (n-gram counts only)",
    "haina-dense": "config.yml without the word and character n-gram counts (e5 embedding + regexes)",
    "haina-diet": "config.yml's tokenizer and features, DIETClassifier (100 epochs) instead of the linear SVM",
    PEER: "the peer: `rasa init`'s config (Rasa's default pipeline, DIETClassifier 100 epochs), one model for all languages",
    PEER_BY_LANGUAGE: ("the peer trained per language: `rasa init`'s config, one model per language trained on that "
                       "language's examples only; each held-out message goes to its own language's model (the peer "
                       "is told the language, which Haina must find itself)"),
}
# How long the one-model peer takes to train, as measured here (said when it was not measured).
PEER_TRAINING_SEEN = ("DIET's epochs over all eight languages' examples took 150-255 s each on two cores "
                      "on 2026-12-03: hours for 100 epochs")
LINEAR = "bot.nlu.linear_classifier.LinearIntentClassifier"
E5 = "bot.nlu.e5_featurizer.E5Featurizer"
COUNTS = "CountVectorsFeaturizer"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nlu-pipelines", default=",".join(DEFAULT_PIPELINES),
                        help=f"pipelines to measure, comma-separated, of {', '.join(PIPELINES)} "
                             f"(default: {', '.join(DEFAULT_PIPELINES)})")
    parser.add_argument("--nlu-parts", default="intents,langid",
                        help="which measurements: intents (with parse times), langid; comma-separated")
    parser.add_argument("--nlu-no-train", action="store_true",
                        help="measure only pipelines whose trained model is cached; train nothing")
    parser.add_argument("--nlu-limit", type=int, default=0,
                        help="at most this many held-out examples per language (0: all), for a quick look")


# -- data -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    text: str


def held_out(limit: int = 0) -> list[Example]:
    """Every held-out example, annotations removed; `limit` per language if set (evenly spread)."""
    found: list[Example] = []
    for language in LANGUAGES:
        rows = [Example(language, intent, strip_entities(line))
                for path in sorted((paths.NLU_DATA / language / "test").glob("*.yml"))
                for intent, lines in read_examples(path).items() for line in lines]
        if limit and len(rows) > limit:
            rows = rows[:: max(1, len(rows) // limit)][:limit]
        found.extend(rows)
    return found


def training_files(language: str | None = None) -> list[Path]:
    """The NLU files Haina trains on: regexes in bot/data and every language's training split
    (or only `language`'s, for a model of one language)."""
    nlu_in_bot = [p for p in sorted((paths.BOT / "data").glob("*.yml"))
                  if "nlu" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {})]
    languages = [language] if language else LANGUAGES
    return nlu_in_bot + sorted(p for lang in languages for p in (paths.NLU_DATA / lang / "train").glob("*.yml"))


# -- pipelines --------------------------------------------------------------------------------------
def rasa_init_config() -> Path:
    """The config.yml that `rasa init` writes, from the installed Rasa."""
    import rasa.cli

    return Path(rasa.cli.__file__).parent / "initial_project" / "config.yml"


def haina_config() -> dict[str, Any]:
    return yaml.safe_load(paths.CONFIG.read_text(encoding="utf-8"))


def variant(name: str) -> dict[str, Any]:
    """The NLU config of one pipeline (policies dropped: only the NLU is trained)."""
    if name in (PEER, PEER_BY_LANGUAGE):
        config = yaml.safe_load(rasa_init_config().read_text(encoding="utf-8"))
        config.pop("policies", None)
        return config
    config = copy.deepcopy(haina_config())
    config.pop("policies", None)
    pipeline = config["pipeline"]
    if name == "haina-sparse":
        pipeline[:] = [c for c in pipeline if c["name"] != E5]
    elif name == "haina-dense":
        pipeline[:] = [c for c in pipeline if c["name"] != COUNTS]
    elif name == "haina-diet":
        pipeline[:] = [{"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True,
                        "entity_recognition": False, "random_seed": 42} if c["name"] == LINEAR else c
                       for c in pipeline]
    elif name != "haina":
        raise ValueError(f"unknown pipeline {name!r}")
    return config


def fingerprint(name: str, config: dict[str, Any], language: str | None = None) -> str:
    """Config, data, Rasa's version and (for our components) the code: what shapes a trained model."""
    from rasa.version import __version__ as rasa_version

    from haina.training import CODE_SHAPING_THE_MODEL

    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode() + rasa_version.encode())
    files = training_files(language)
    if name not in (PEER, PEER_BY_LANGUAGE):
        files += [p for pattern in CODE_SHAPING_THE_MODEL for p in sorted(paths.ROOT.glob(pattern))]
    for path in files:
        digest.update(str(path.relative_to(paths.ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def trained_model(name: str, train: bool, language: str | None = None) -> tuple[Path | None, float | None]:
    """(model, training seconds or None if reused): cached by fingerprint, trained if allowed;
    with `language`, a model of that language's examples only."""
    config = variant(name)
    stem = f"{name}-{language}" if language else name
    target = MODELS / f"{stem}-{fingerprint(name, config, language)}.tar.gz"
    if target.exists():
        return target, None
    if not train:
        return None, None
    import rasa.model_training

    MODELS.mkdir(parents=True, exist_ok=True)
    work = MODELS / f".train-{name}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    for i, path in enumerate(training_files(language)):  # one folder: train_nlu takes a single path
        shutil.copy(path, work / "data" / f"{i:03d}-{path.parent.parent.name}-{path.name}")
    config_file = work / "config.yml"  # a copy: Rasa's autoconfig may write into the file it reads
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"training {name} ({DESCRIPTIONS[name]}) -> {target.name}", flush=True)
    started = time.perf_counter()
    try:
        result = rasa.model_training.train_nlu(str(config_file), str(work / "data"), str(work),
                                               fixed_model_name=target.name[: -len(".tar.gz")])
        if not result:
            raise RuntimeError(f"training {name} produced no model")
        seconds = time.perf_counter() - started
        shutil.move(result, target)
        (MODELS / f"{target.name}.json").write_text(json.dumps({"train_seconds": seconds}), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, seconds


def _current_model_name(name: str) -> str | None:
    if name == PEER_BY_LANGUAGE:
        models = [trained_model(name, train=False, language=language)[0] for language in LANGUAGES]
        return ", ".join(m.name for m in models if m) or None  # as evaluate_by_language names them
    model, _ = trained_model(name, train=False)
    return model.name if model else None


def recorded_train_seconds(model: Path) -> float | None:
    meta = MODELS / f"{model.name}.json"
    return json.loads(meta.read_text())["train_seconds"] if meta.exists() else None


# -- intents ----------------------------------------------------------------------------------------
def scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Accuracy and macro-F1 over the intents present in `gold` (a prediction outside them only costs recall)."""
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return {"accuracy": float(accuracy_score(gold, predicted)),
            "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
            "n": len(gold)}


async def parse_all(agent: Any, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    parsed, latencies = [], []
    for text in texts:
        started = time.perf_counter()
        parsed.append(await agent.parse_message(text))
        latencies.append((time.perf_counter() - started) * 1000)
    return parsed, latencies


def predict(agent: Any, examples: list[Example]) -> tuple[list[str], list[float]]:
    """The intent the assistant acts on for each example, and each parse's milliseconds."""
    texts = [e.text for e in examples]
    asyncio.run(parse_all(agent, texts[:20]))  # warm-up: first-use loading is not parse time
    parsed, latencies = asyncio.run(parse_all(agent, texts))
    return [(p.get("intent") or {}).get("name") or FALLBACK for p in parsed], latencies


def evaluate(model: Path, examples: list[Example], dev: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Parse every example with the model: scores per language, fallback share, parse times."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    predicted, latencies = predict(agent, examples)
    result = summarize(model.name, examples, predicted, latencies)
    if dev is not None:
        dev_parsed, _ = asyncio.run(parse_all(agent, [q["text"] for q in dev]))
        decided = [(p.get("language_decision") or {}).get("language") for p in dev_parsed]
        wrong = [{"id": q["id"], "lang": q["lang"], "decided": d} for q, d in zip(dev, decided) if d != q["lang"]]
        result["dev_language"] = {"right": len(dev) - len(wrong), "n": len(dev), "wrong": wrong}
    return result


def evaluate_by_language(name: str, train: bool, examples: list[Example]) -> dict[str, Any] | None:
    """One model per language, each parsing its own language's examples; a language whose model is
    not cached (and not trained now) is left out and the report says so (None if none is there)."""
    from rasa.core.agent import Agent

    models, seconds, predicted, latencies, ordered = [], 0.0, [], [], []
    for language in LANGUAGES:
        mine = [e for e in examples if e.language == language]
        model, took = trained_model(name, train, language)
        if model is None:
            print(f"  {language}: no cached model", flush=True)
            continue
        took = took if took is not None else recorded_train_seconds(model)
        seconds = seconds + took if took is not None and seconds is not None else None
        print(f"  {language}: {model.name} on {len(mine)} examples", flush=True)
        guesses, times = predict(Agent.load(str(model)), mine)
        models.append(model.name)
        predicted, latencies, ordered = predicted + guesses, latencies + times, ordered + mine
    if not models:
        return None
    result = summarize(", ".join(models), ordered, predicted, latencies)
    result["train_seconds"] = seconds
    return result


def summarize(model: str, examples: list[Example], predicted: list[str], latencies: list[float]) -> dict[str, Any]:
    """Scores per language and overall, fallback share, parse times and confusions of one pipeline."""
    by_language: dict[str, Any] = {}
    for language in LANGUAGES:
        rows = [i for i, e in enumerate(examples) if e.language == language]
        if not rows:
            continue
        result = scores([examples[i].intent for i in rows], [predicted[i] for i in rows])
        result["fallback_share"] = sum(predicted[i] == FALLBACK for i in rows) / len(rows)
        by_language[language] = result
    return {
        "model": model,
        "overall": scores([e.intent for e in examples], predicted),
        "by_language": by_language,
        "parse_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "n": len(latencies)},
        "confusions": confusions(examples, predicted),
    }


def confusions(examples: list[Example], predicted: list[str], top: int = 15) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for example, guess in zip(examples, predicted):
        if guess != example.intent:
            counts[(example.intent, guess)] += 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:top]
    return [{"intent": a, "predicted": b, "count": n} for (a, b), n in ranked]


def dev_questions() -> list[dict[str, Any]] | None:
    if not DEV_QUESTIONS.exists():
        return None
    return [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_intents(names: list[str], train: bool, limit: int) -> dict[str, Any]:
    examples = held_out(limit)
    results: dict[str, Any] = {}
    for name in names:
        if name == PEER_BY_LANGUAGE:
            print(f"evaluating {name}: one model per language", flush=True)
            result = evaluate_by_language(name, train, examples)
            if result is None:
                print(f"{name}: no cached model for every language (run without --nlu-no-train)", flush=True)
                continue
            result["description"] = DESCRIPTIONS[name]
            results[name] = result
            continue
        model, seconds = trained_model(name, train)
        if model is None:
            print(f"{name}: no cached model (run without --nlu-no-train to train it)", flush=True)
            continue
        print(f"evaluating {name} ({model.name}) on {len(examples)} held-out examples", flush=True)
        result = evaluate(model, examples, dev_questions() if name == "haina" else None)
        result["train_seconds"] = seconds if seconds is not None else recorded_train_seconds(model)
        result["description"] = DESCRIPTIONS[name]
        results[name] = result
        print(f"  accuracy {result['overall']['accuracy']:.4f}, macro-F1 {result['overall']['macro_f1']:.4f}, "
              f"parse p50 {result['parse_ms']['p50']:.1f} ms", flush=True)
    return {"examples": len(examples), "limit": limit, "pipelines": results}


# -- language ID -------------------------------------------------------------------------------------
def langid_texts(kind: str) -> dict[str, list[str]]:
    return {language: [line.strip() for line in (LANGID / kind / f"{language}.txt").read_text(encoding="utf-8").splitlines()
                       if line.strip()]
            for language in LANGUAGES}


def detectors() -> dict[str, Callable[[str], str | None]]:
    """Each backend alone and the component with its rules (a first message: no context, no hint)."""
    from haina.langid import LanguageResolver, make_backend
    from haina.langid.resolver import ResolverSettings

    def alone(name: str) -> Callable[[str], str | None]:
        backend = make_backend(name)

        def detect(text: str) -> str | None:
            found = backend.detect(text)
            return found.language if found else None
        return detect

    def component(**settings: Any) -> Callable[[str], str | None]:
        resolver = LanguageResolver(ResolverSettings(**settings))
        return lambda text: resolver.resolve(text).language

    configured = next((c for c in haina_config()["pipeline"] if c["name"].endswith("LanguageDetector")), {})
    backend = configured.get("backend", ResolverSettings().backend)
    return {
        "lingua": alone("lingua"),
        "langdetect": alone("langdetect"),
        "component (lingua)": component(backend="lingua"),
        "component (langdetect)": component(backend="langdetect"),
        "component (lingua, no word frequencies)": component(backend="lingua", word_frequencies=False),
        f"configured ({backend})": component(backend=backend),
    }


def run_langid() -> dict[str, Any]:
    results: dict[str, Any] = {}
    data = {kind: langid_texts(kind) for kind in LANGID_KINDS}
    for name, detect in detectors().items():
        detect("warm up")
        results[name] = {}
        for kind, texts in data.items():
            right, total, per_language = 0, 0, {}
            started = time.perf_counter()
            for language, lines in texts.items():
                hits = sum(detect(line) == language for line in lines)
                per_language[language] = hits / len(lines)
                right, total = right + hits, total + len(lines)
            elapsed = time.perf_counter() - started
            results[name][kind] = {"accuracy": right / total, "n": total, "by_language": per_language,
                                   "ms_per_text": elapsed * 1000 / total}
        print(f"langid {name}: " + ", ".join(f"{k} {v['accuracy']:.4f}" for k, v in results[name].items()), flush=True)
    return results


# -- report ------------------------------------------------------------------------------------------
def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def targets(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    pipelines = (data.get("intents") or {}).get("pipelines") or {}
    haina = pipelines.get("haina")
    if haina:
        worst = min(haina["by_language"].items(), key=lambda kv: kv[1]["macro_f1"])
        rows.append(("macro-F1 on the held-out split, worst language", f"{worst[1]['macro_f1']:.3f} ({worst[0]})",
                     f"≥ {TARGET_F1}", verdict(worst[1]["macro_f1"] >= TARGET_F1)))
    for name, how in ((PEER, "one model, as Haina"), (PEER_BY_LANGUAGE, "one model per language")):
        peer = pipelines.get(name)
        label = f"ahead of the `rasa init` pipeline in macro-F1 ({how})"
        if haina and peer:
            compared = [l for l in haina["by_language"] if l in peer["by_language"]]
            behind = [l for l in compared if haina["by_language"][l]["macro_f1"] <= peer["by_language"][l]["macro_f1"]]
            measured = "" if len(compared) == len(LANGUAGES) else f" ({len(compared)} of 8 measured)"
            rows.append((label, f"in {len(compared) - len(behind)} of {len(compared)} languages" + measured
                         + (f" (not: {', '.join(behind)})" if behind else ""),
                         "all 8", verdict(False if behind else (None if measured else True))))
        else:
            rows.append((label, "not measured", "all 8", verdict(None)))
    langid = data.get("langid") or {}
    configured = next((v for k, v in langid.items() if k.startswith("configured")), None)
    if configured:
        rows.append(("language ID, word pairs (component)", pct(configured["word-pairs"]["accuracy"], 2),
                     f"≥ {100 * TARGET_WORD_PAIRS:.1f} %", verdict(configured["word-pairs"]["accuracy"] >= TARGET_WORD_PAIRS)))
        rows.append(("language ID, sentences (component)", pct(configured["sentences"]["accuracy"], 2),
                     f"≥ {100 * TARGET_SENTENCES:.1f} %", verdict(configured["sentences"]["accuracy"] >= TARGET_SENTENCES)))
    if haina and haina.get("dev_language"):
        dev = haina["dev_language"]
        rows.append(("language of ../shared/eval/dev_questions.jsonl", f"{dev['right']} / {dev['n']}",
                     "all", verdict(dev["right"] == dev["n"])))
    return rows


def markdown(data: dict[str, Any]) -> str:
    lines = ["## NLU: intents, language ID, parse time (`python -m bench nlu`)", "",
             f"Measured {machine_line(data['machine'])}; Rasa {data['rasa']}.", "",
             "### Targets", "", "| target | measured | goal | met |", "|---|---|---|---|",
             *(f"| {a} | {b} | {c} | **{d}** |" for a, b, c, d in targets(data))]
    intents = data.get("intents")
    if intents and intents["pipelines"]:
        pipelines = intents["pipelines"]
        names = [n for n in PIPELINES if n in pipelines]
        limited = f" (at most {intents['limit']} per language)" if intents["limit"] else ""
        lines += ["", "### Intents on the held-out split", "",
                  f"{intents['examples']} held-out examples{limited}, never trained on; each pipeline trained on the same "
                  "training split. Cells: accuracy / macro-F1; a message turned into `nlu_fallback` counts as wrong.", "",
                  "| language | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
        for language in LANGUAGES:
            cells = []
            for name in names:
                row = pipelines[name]["by_language"].get(language)
                cells.append(f"{row['accuracy']:.3f} / {row['macro_f1']:.3f}" if row else "–")
            lines.append(f"| {language} | " + " | ".join(cells) + " |")
        lines.append("| **all** | " + " | ".join(
            f"**{pipelines[n]['overall']['accuracy']:.3f} / {pipelines[n]['overall']['macro_f1']:.3f}**" for n in names) + " |")
        lines.append("| fallback share | " + " | ".join(
            pct(sum(r["fallback_share"] * r["n"] for r in pipelines[n]["by_language"].values())
                / max(1, sum(r["n"] for r in pipelines[n]["by_language"].values()))) for n in names) + " |")
        lines.append("| parse p50 / p95 ms | " + " | ".join(
            f"{pipelines[n]['parse_ms']['p50']:.1f} / {pipelines[n]['parse_ms']['p95']:.1f}" for n in names) + " |")
        lines.append("| training time | " + " | ".join(
            f"{pipelines[n]['train_seconds'] / 60:.1f} min" if pipelines[n].get("train_seconds") else "(not recorded)"
            for n in names) + " |")
        lines += ["", "Pipelines:", *(f"- `{n}`: {pipelines[n]['description']} (model `{pipelines[n]['model']}`)" for n in names)]
        lines += [f"- `{n}`: {DESCRIPTIONS[n]}: **not measured** in this run (no cached model; train it with "
                  f"`python -m bench nlu --nlu-pipelines {n}`" + (f": {PEER_TRAINING_SEEN})" if n == PEER else ")")
                  for n in DEFAULT_PIPELINES if n not in pipelines]
        if "haina" in pipelines:
            top = pipelines["haina"]["confusions"][:8]
            lines += ["", "Haina's most frequent confusions (intent → predicted, count): "
                      + "; ".join(f"{c['intent']} → {c['predicted']} {c['count']}" for c in top) + "."]
        lines += ["", "Parse time: one `Agent.parse_message` at a time on the held-out messages, after loading and a "
                  "warm-up (the whole NLU pipeline: tokenizer, featurizers, classifier, entity extractors, language "
                  "detector, fallback). Training time: the NLU alone, measured when the bench trained the model (a cached "
                  "model keeps the time of its training; e5 embeddings of training texts come from var/cache/)."]
    langid = data.get("langid")
    if langid:
        lines += ["", "### Language ID on ../shared/langid (restricted to the eight languages)", "",
                  "| detector | sentences | word pairs | single words | ms per text |", "|---|---:|---:|---:|---:|"]
        for name, kinds in langid.items():
            ms = sum(k["ms_per_text"] * k["n"] for k in kinds.values()) / sum(k["n"] for k in kinds.values())
            lines.append(f"| {name} | " + " | ".join(pct(kinds[k]["accuracy"], 2) for k in LANGID_KINDS) + f" | {ms:.2f} |")
        configured = next(k for k in langid if k.startswith("configured"))
        lines += ["", f"Per language, `{configured}` (sentences / word pairs / single words):", "",
                  "| " + " | ".join(LANGUAGES) + " |", "|" + "---:|" * len(LANGUAGES),
                  "| " + " | ".join(" / ".join(f"{100 * langid[configured][k]['by_language'][l]:.1f}" for k in LANGID_KINDS)
                                    for l in LANGUAGES) + " |",
                  "", "The component is haina.langid.LanguageResolver deciding a first message (no conversation "
                  "language, no channel hint): script rules (kana → ja, Hangul → ko, Cyrillic → ru), Han text by "
                  "its characters' national forms, word frequencies for a few Latin words, then the backend. "
                  "The Chinese and Japanese word pairs and single words are characters cut from running text."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Measure, then write results.md's nlu section and bench/out/nlu-*.json."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("rasa").setLevel(logging.WARNING)
    from haina.cli import quiet_structlog
    from rasa.version import __version__ as rasa_version

    quiet_structlog(logging.ERROR)
    parts = set(args.nlu_parts.split(","))
    names = [n for n in args.nlu_pipelines.split(",") if n]
    unknown = [n for n in names if n not in PIPELINES]
    if unknown:
        print(f"unknown pipelines: {', '.join(unknown)} (choose from {', '.join(PIPELINES)})")
        return 2
    data: dict[str, Any] = {"machine": machine(), "rasa": rasa_version}
    previous = OUT / "nlu-latest.json"
    if previous.exists():  # keep the parts not measured this time
        old = json.loads(previous.read_text(encoding="utf-8"))
        data.update({k: old[k] for k in ("intents", "langid") if k in old})
    if "intents" in parts:
        measured = run_intents(names, not args.nlu_no_train, args.nlu_limit)
        earlier = data.get("intents") or {}
        kept = {}
        if earlier.get("examples") == measured["examples"] and earlier.get("limit") == measured["limit"]:
            # results of pipelines not measured now stay while their model is still the current one
            kept = {n: r for n, r in earlier.get("pipelines", {}).items()
                    if n not in measured["pipelines"] and _current_model_name(n) == r["model"]}
        measured["pipelines"] = {**kept, **measured["pipelines"]}
        data["intents"] = measured
    if "langid" in parts:
        data["langid"] = run_langid()
    write_json("nlu", data)
    write_section("nlu", markdown(data))
    print(markdown(data))
    return 0
