"""Helpers shared by the subcommand modules: reduction options, JSON output."""

import json
import sys

from reluhard.errors import InvalidParameterError

__all__ = ["add_reduction_options", "collect_options", "print_json", "jsonable", "add_reduction_arg"]


def _all_options():
    from reluhard.reductions import get_reduction, reduction_names

    seen = {}
    for name in reduction_names():
        for opt in get_reduction(name).options:
            seen.setdefault(opt.dest, opt)
    return seen


def add_reduction_options(parser):
    """Every option any registered reduction declares (one declaration feeds reduce/verify/sweep/explain)."""
    group = parser.add_argument_group("reduction options (each applies to the reductions that declare it)")
    for dest, opt in _all_options().items():
        flag = f"--{opt.name}"
        if opt.kind == "flag":
            group.add_argument(flag, dest=f"ropt_{dest}", action="store_true", default=None, help=opt.help)
        else:
            kw = {"choices": list(opt.choices)} if opt.kind == "choice" else {}
            group.add_argument(flag, dest=f"ropt_{dest}", default=None, help=opt.help, **kw)


def collect_options(args, reduction):
    """The options the user set, checked against the chosen reduction's declaration."""
    given = {k[len("ropt_"):]: v for k, v in vars(args).items() if k.startswith("ropt_") and v is not None}
    mine = set(reduction.option_names())
    foreign = sorted(set(given) - mine)
    if foreign:
        raise InvalidParameterError(
            f"reduction {reduction.name} has no option(s) {', '.join('--' + f.replace('_', '-') for f in foreign)}"
        )
    return given


def add_reduction_arg(parser, positional=True):
    from reluhard.reductions import reduction_names

    help_ = "reduction name: " + ", ".join(reduction_names())
    if positional:
        parser.add_argument("reduction", metavar="REDUCTION", help=help_)
    else:
        parser.add_argument("--reduction", required=True, help=help_)


def jsonable(obj):
    """:func:`reluhard.data.jsonable` (imported on use: ``--help`` stays free of numpy/scipy)."""
    from reluhard.data import jsonable as _jsonable

    return _jsonable(obj)


def print_json(obj):
    json.dump(jsonable(obj), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
