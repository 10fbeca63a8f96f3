"""The ``reluhard`` command: parse, look up, call the library, write, map errors.

Each subcommand lives in its own module under ``reluhard.commands`` and
exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported when the parser is built; they must import heavy
libraries (solvers, matplotlib, dask) only inside ``run``.

Exit codes: 0 success, 1 a certified bound was violated, 2 bad input or usage
(one line on stderr, no traceback unless ``--debug``), 3 inconclusive; 130
after Ctrl-C, 143 after SIGTERM (temp files removed first), 141 and no message
when stdout is a closed pipe (the POSIX convention of a process killed by
SIGPIPE, e.g. ``reluhard ... --json | head -c 10``). Any OS error (disk full,
read-only folder, I/O error) is one line naming the file and exit 2.
"""

import argparse
import errno
import importlib
import os
import signal
import sys
import threading

from .commands._common import HelpFormatter
from .errors import ReluhardError
from .threads import BLAS_FREE_COMMANDS, no_blas_pool

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
    """The argument parser. When ``selected`` names a subcommand, only that
    subcommand is added, with its full argument set (so ``reluhard generate``
    imports no other command module); otherwise every subcommand is listed
    without its arguments (building some of them imports numpy/scipy to read
    the reduction registry), so ``reluhard --help`` and the usage error for an
    unknown command stay fast."""
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
    module_name = selected.replace("-", "_") if isinstance(selected, str) else None
    for name in (module_name,) if module_name in COMMANDS else COMMANDS:
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


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so every ``finally`` (temp files, workers) runs."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def _silence_stdout():
    """Point fd 1 at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


#: OS errors that mean the output could not be written (no file name: standard output)
_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


def main(argv=None):
    """Entry point; returns the exit code (also usable from tests without a subprocess)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    from .io.atomic import guard_inputs

    guard_inputs(True)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv, debug)
    finally:
        guard_inputs(False)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv, debug):
    try:
        selected = next((a for a in argv if not a.startswith("-")), None)
        if selected in BLAS_FREE_COMMANDS:
            no_blas_pool()  # no BLAS thread pool for a command that never uses it (the user's env wins)
        parser = build_parser(selected)
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        code = int(args._run(args) or 0)
        sys.stdout.flush()
        return code
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ReluhardError as exc:
        if debug:
            raise
        print(f"reluhard: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `reluhard fit ... --json | head`: quiet, as after SIGPIPE
        _silence_stdout()
        return 128 + signal.SIGPIPE
    except OSError as exc:
        if debug:
            raise
        name = exc.filename
        if name is None and exc.errno in _WRITE_ERRNOS:
            name = "<stdout>"
            _silence_stdout()
        reason = exc.strerror or _one_line(exc)
        print(f"reluhard: error: {name}: {reason}" if name is not None else f"reluhard: error: {reason}", file=sys.stderr)
        return 2
    except MemoryError:
        if debug:
            raise
        print("reluhard: error: out of memory (input too large for this machine; see docs/reliability.md for the limits)", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if isinstance(exc, _Terminated):
            print("reluhard: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print("reluhard: interrupted", file=sys.stderr)
        return 130


def _one_line(exc, width=1000):
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= width else text[: width - 3] + "..."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
