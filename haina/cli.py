"""The `haina` command: run, train, shell, classify and data tools, each with --help.

Commands of single capabilities (import, wechat-sim, staff, …) live in haina/commands/.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


def quiet_structlog(level: int) -> None:
    """Send Rasa's structlog events to stderr, from `level` up.

    Unconfigured, structlog prints every debug event to stdout, message texts included: that would
    corrupt `haina classify`'s JSONL output and put what users typed into the logs.
    """
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def _model_or_train(model: str | None, train_if_needed: bool) -> Path:
    from haina import training

    if model:
        path = Path(model)
        if not path.exists():
            raise SystemExit(f"haina: no model at {path}")
        return path
    if train_if_needed:
        return training.train()
    found = training.latest_model()
    if found is None:
        raise SystemExit("haina: no trained model yet; run `haina train` (or `make run`) first")
    return found


def cmd_train(args: argparse.Namespace) -> int:
    from haina import training

    path = training.train(force=args.force)
    print(path)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from haina.runner import Ports, Stack, serve

    model = _model_or_train(args.model, train_if_needed=not args.no_train)
    return serve(Stack(model=model, ports=Ports(args.rasa_port, args.actions_port, args.web_port)))


def cmd_shell(args: argparse.Namespace) -> int:
    from haina.shell import chat

    model = _model_or_train(args.model, train_if_needed=False)
    return chat(model)


def cmd_classify(args: argparse.Namespace) -> int:
    from haina.classify import run

    logging.disable(logging.WARNING)
    quiet_structlog(logging.ERROR)
    model = _model_or_train(args.model, train_if_needed=False)
    run(str(model), sys.stdin, sys.stdout)
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    from haina import datatools

    if args.action == "split":
        from haina.languages import LANGUAGES

        moved = datatools.split_heldout(languages=tuple(args.language or LANGUAGES))
        print(f"moved {moved} examples into the held-out split")
    elif args.action == "rules":
        print(f"wrote {datatools.write_knowledge_rules()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haina", description="Haina, the assistant for foreign professionals in Shanghai.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the action, Rasa and web servers (trains first if the data changed)")
    run.add_argument("--model", help="a trained model (.tar.gz); default: train or reuse the current one")
    run.add_argument("--no-train", action="store_true", help="use the newest model even if the data changed")
    run.add_argument("--rasa-port", type=int, default=5005)
    run.add_argument("--actions-port", type=int, default=5055)
    run.add_argument("--web-port", type=int, default=8000)
    run.set_defaults(func=cmd_run)

    train = sub.add_parser("train", help="train the model if its inputs changed, and build the knowledge index")
    train.add_argument("--force", action="store_true", help="train even if a model for these inputs exists")
    train.set_defaults(func=cmd_train)

    shell = sub.add_parser("shell", help="chat with the assistant in the terminal")
    shell.add_argument("--model", help="a trained model (.tar.gz); default: the current one")
    shell.set_defaults(func=cmd_shell)

    classify = sub.add_parser(
        "classify", help="classify JSONL questions from stdin into JSONL predictions on stdout (no server)",
        description="Reads {\"id\", \"text\"} lines on stdin and writes {\"id\", \"language\", \"topic\", "
        "\"intent\", \"confidence\", \"answer_id\"} lines on stdout, in order (see ../shared/eval/CONTRACT.md).",
    )
    classify.add_argument("--model", help="a trained model (.tar.gz); default: the current one")
    classify.set_defaults(func=cmd_classify)

    data = sub.add_parser("data", help="training-data tools")
    data.add_argument("action", choices=["split", "rules"],
                      help="split: move the held-out share of each intent into nlu_data/<lang>/test; "
                      "rules: rewrite bot/data/knowledge_rules.yml from bot/intents.yml")
    from haina.languages import LANGUAGES

    data.add_argument("--language", action="append", choices=LANGUAGES,
                      help="split only this language (repeatable; default: all eight)")
    data.set_defaults(func=cmd_data)

    from haina.commands import register_all

    register_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    quiet_structlog(logging.INFO)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
