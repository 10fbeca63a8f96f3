"""The ``reluhard`` command: parse, look up, call the library, write, map errors.

Each subcommand lives in its own module under ``reluhard.commands`` and
exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported when the parser is built; they must import heavy
libraries (solvers, matplotlib, dask) only inside ``run``.

Exit codes: 0 success, 1 a certified bound was violated, 2 bad input or usage
(one line on stderr, no traceback unless ``--debug``), 3 inconclusive.
"""

import argparse
import importlib
import os
import sys

from .commands._common import HelpFormatter
from .errors import ReluhardError

__all__ = ["main", "COMMANDS"]

#: subcommand modules, in the order ``--help`` lists them
COMMANDS = (
    "generate",
    "convert",
    "info",
    "reduce",
    "solve",
    "fit",
    "verify",
    "learn",
    "sweep",
    "bench",
    "plot",
    "report",
    "suite",
    "explain",
    "check",
    "demo",
    "certify",
    "check_certificate",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise so main() controls the exit code."""

    def error(self, message):
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser(selected=None):
    """The argument parser. Only the ``selected`` subcommand gets its full
    argument set (building some of them imports numpy/scipy to read the
    reduction registry), so ``reluhard --help`` stays fast."""
    parser = _Parser(
        prog="reluhard",
        description="Hardness reductions for training ReLU networks, with machine-checked certificates.",
        epilog="Start with 'reluhard demo', then docs/tutorial.md. Exit codes: 0 ok, 1 a certified bound violated, "
               "2 bad input or usage, 3 inconclusive.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                                help="'reluhard COMMAND --help' explains every option and its default")
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"reluhard.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"reluhard.commands.{name}":
                continue  # not built yet
            raise
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP),
                           formatter_class=HelpFormatter)
        if mod.NAME == selected:
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def _version():
    from . import __version__

    return f"reluhard {__version__}"


def main(argv=None):
    """Entry point; returns the exit code (also usable from tests without a subprocess)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        selected = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(selected)
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        return int(args._run(args) or 0)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ReluhardError as exc:
        if debug:
            raise
        print(f"reluhard: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        if debug:
            raise
        name = exc.filename if exc.filename is not None else ""
        print(f"reluhard: error: {name}: {exc.strerror}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `reluhard fit ... --json | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("reluhard: interrupted", file=sys.stderr)
        return 130


def _one_line(exc):
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
