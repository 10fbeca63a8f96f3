"""``reluhard convert INPUT [-o OUT]``: any CNF -> exact 3-CNF with the same u (for ``sat-relu``)."""

from ._common import add_json, print_json, read_input

NAME = "convert"
HELP = "convert any CNF to exact 3-CNF (3 distinct variables per clause) with the same min #falsified clauses u"
DESCRIPTION = (
    "Rewrite a CNF clause by clause so that sat-relu accepts it: repeated literals removed, tautologies dropped, "
    "(x|y) padded to (x|y|z)(x|y|~z), (x) to four clauses over two fresh variables, () to the eight clauses over "
    "three, and wider clauses split along a chain of fresh variables. Every assignment of the original variables "
    "falsifies, at best over the fresh ones, exactly as many clauses as before, so u and satisfiability are "
    "unchanged (proof: docs/reductions/cnf-3cnf.md). Variables 1..n keep their meaning; the metadata records the "
    "conversion and carries a certified u or an extended satisfying assignment over."
)


def add_arguments(p):
    p.add_argument("input", metavar="INPUT", help="DIMACS CNF (.cnf[.gz|.xz|.bz2]); '-' reads standard input")
    p.add_argument("-o", "--output", metavar="OUT.cnf",
                   help="write the exact 3-CNF here, atomically (default: standard output; with --json: not written)")
    add_json(p)


def convert_meta(cnf, info, src=None):
    """The output's metadata: the conversion record plus what stays certified
    (``src``: the input's metadata, default the one on ``cnf``)."""
    from reluhard.io.instances import instance_sha256
    from reluhard.reductions.cnf_to_3cnf import extend_assignment
    from reluhard.structures.cnf import instance_meta

    src = instance_meta(cnf) if src is None else src
    meta = {"generator": "convert-3cnf", "converted": {k: v for k, v in info.items() if k != "clause_origin"}}
    meta["converted"]["source_sha256"] = instance_sha256(cnf, "cnf")
    if src:
        meta["source_meta"] = src
    if isinstance(src.get("min_unsat"), int):
        meta["min_unsat"] = src["min_unsat"]  # u is preserved exactly
    cert = src.get("certificate")
    if isinstance(cert, dict) and isinstance(cert.get("assignment"), list) and len(cert["assignment"]) == cnf.nv:
        meta["certificate"] = {"assignment": extend_assignment(cnf, cert["assignment"])}
    return meta


def run(args):
    import sys

    from reluhard.io.dimacs import format_cnf, write_cnf_array
    from reluhard.reductions.cnf_to_3cnf import to_exact_3cnf

    cnf = read_input(args.input, "cnf")
    out, info = to_exact_3cnf(cnf)
    meta = convert_meta(cnf, info)
    if args.output:
        write_cnf_array(args.output, out.clauses, out.nv, meta=meta)
    if args.json:
        print_json({"output": args.output, "n_vars": out.nv, "n_clauses": len(out.clauses), **meta["converted"]})
    elif not args.output:
        sys.stdout.buffer.write(format_cnf(out.clauses, out.nv, meta=meta))
        sys.stdout.flush()
    else:
        print(f"{args.output}: {out.nv} variables ({info['fresh_variables']} fresh), {len(out.clauses)} clauses, "
              f"u preserved", file=sys.stderr)
    return 0
