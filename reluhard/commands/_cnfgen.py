"""``reluhard generate cnfgen FAMILY``: CNFgen's classic families, converted (not rewritten).

Descriptor for :data:`reluhard.commands.generate.FAMILIES` (help, add_arguments, build).
"""

HELP = "CNFgen's pigeonhole / tseitin / parity / ordering formulas (needs reluhard[cnfgen]); --to-3cnf for sat-relu"

#: flag -> (dest, metavar, help) of the families' integer parameters (the metavar is the symbol the help uses)
_PARAMS = {
    "--pigeons": ("pigeons", "P", "pigeonhole: number of pigeons p"),
    "--holes": ("holes", "H", "pigeonhole: number of holes h"),
    "-n": ("n", "N", "tseitin: vertices of the random regular graph; parity / ordering: number of elements"),
    "-d": ("d", "D", "tseitin: degree d of the random regular graph"),
}


def add_arguments(p):
    from reluhard.generators.cnfgen_families import FAMILIES

    from ._common import count, seed_value

    p.add_argument("name", metavar="FAMILY", choices=tuple(FAMILIES),
                   help="; ".join(f"{k}: {h}" for k, (h, _) in FAMILIES.items()))
    for flag, (dest, metavar, help_) in _PARAMS.items():
        p.add_argument(flag, dest=f"cg_{dest}", type=count(1, flag), default=None, metavar=metavar, help=help_)
    p.add_argument("--to-3cnf", action="store_true",
                   help="convert to exact 3-CNF with the same u (as 'reluhard convert'), ready for sat-relu")
    p.add_argument("--seed", type=seed_value, default=None, metavar="S",
                   help="seed of the random graph (tseitin); drawn and recorded if omitted")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="output file, written atomically; .gz/.xz/.bz2 compress (default: standard output)")


def build(args, seed):
    from reluhard.generators.cnfgen_families import FAMILIES, cnfgen_formula
    from reluhard.io.dimacs import format_cnf, write_cnf_array

    params = {dest: getattr(args, f"cg_{dest}") for _, (dest, _, _) in _PARAMS.items()
              if getattr(args, f"cg_{dest}") is not None}
    wanted = FAMILIES[args.name][1]
    stray = sorted(set(params) - set(wanted))
    if stray:
        from reluhard.errors import InvalidParameterError

        raise InvalidParameterError(f"cnfgen {args.name} takes {', '.join(wanted)}, not {', '.join(stray)}")
    cnf, meta = cnfgen_formula(args.name, seed=seed if args.name == "tseitin" else None, **params)
    if args.to_3cnf:
        from reluhard.reductions.cnf_to_3cnf import to_exact_3cnf

        from .convert import convert_meta

        cnf, info = to_exact_3cnf(cnf)
        meta = {**convert_meta(cnf, info, src=meta), "known_status": meta["known_status"]}
    if args.output is None:
        return format_cnf(cnf.clauses, cnf.nv, meta=meta)
    write_cnf_array(args.output, cnf.clauses, cnf.nv, meta=meta)
    return f"{args.output}: {cnf.nv} variables, {len(cnf.clauses)} clauses ({meta['known_status']})"
