"""The ``facilitator`` command: one argparse parser, one module per subcommand.

Each module in ``console.cli`` registers its own subparsers, so a feature's command
lives next to nothing else and the parser stays readable. Exit status: 0 ok, 1 invalid
input, 2 usage (argparse's own). Heavy imports (Textual) happen inside the handlers, so
``facilitator agenda check`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from console import __version__

COMMAND_MODULES = ("run", "agenda", "sessions", "feed", "form", "export", "purge", "verify")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facilitator",
        description="Run live office hours: agenda against the clock, question board, notes.",
    )
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where sessions are kept (default: FACILITATOR_DATA_DIR or the user data folder)",
    )
    parser.add_argument(
        "--config-dir",
        metavar="DIR",
        help="where config.toml lives (default: FACILITATOR_CONFIG_DIR or the user config folder)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"console.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"console.cli.{name}":
                raise
            continue  # a command whose module is not part of this build
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not _names_a_command(parser, args_list):
        args_list = [*_leading_globals(args_list), "run", *_rest(args_list)]
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:  # pragma: no cover - every subparser sets one
        parser.print_help()
        return 2
    try:
        code = int(handler(args))
        sys.stdout.flush()  # a reader gone away (``| head``) shows here, not at exit
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()


READER_GONE = 141
"""Exit status when the reader of our output closed it early, as for a program that
SIGPIPE ends (128 + 13): ``facilitator sessions --json | head`` is not an error worth a
traceback, but the output was cut short."""


def _reader_gone() -> int:
    """Point standard output at the null device, so the interpreter's last flush of what is
    still buffered does not fail again on its way out, and say nothing: nobody is reading."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # standard output is not a file (a test's capture)
        pass
    return READER_GONE


def _subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


_GLOBAL_WITH_VALUE = ("--data-dir", "--config-dir")


def _split_globals(args: list[str]) -> tuple[list[str], list[str]]:
    """Separate leading global options from the rest (``facilitator --data-dir X run``)."""
    head: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _GLOBAL_WITH_VALUE and i + 1 < len(args):
            head += args[i : i + 2]
            i += 2
        elif arg.startswith(tuple(f"{g}=" for g in _GLOBAL_WITH_VALUE)):
            head.append(arg)
            i += 1
        else:
            break
    return head, args[i:]


def _leading_globals(args: list[str]) -> list[str]:
    return _split_globals(args)[0]


def _rest(args: list[str]) -> list[str]:
    return _split_globals(args)[1]


def _names_a_command(parser: argparse.ArgumentParser, args: list[str]) -> bool:
    """True when the user named a subcommand or asked for help/version; else ``run`` is implied."""
    rest = _rest(args)
    if not rest:
        return False
    first = rest[0]
    return first in _subcommand_names(parser) or first in {"-h", "--help", "--version"}
