"""``reluhard generate``: write a random or named instance with its metadata.

Each family is a small descriptor (name, help, ``add_arguments``, ``build``)
that this module turns into one sub-subcommand. Without ``--seed`` a seed is
drawn and recorded in the file's metadata, so every file can be regenerated;
the same seed and parameters give byte-identical files.
"""

import argparse
import sys

from reluhard.errors import InvalidParameterError
from reluhard.seeding import check_seed, draw_seed

from . import _cnfgen

NAME = "generate"
HELP = "generate a k-SAT formula, graph or hypergraph instance"
DESCRIPTION = (
    "Generate an instance with its metadata (generator, parameters, seed, planted certificate) "
    "recorded in a 'c reluhard {json}' comment line."
)


def _seed_argument(p):
    from ._common import seed_value

    p.add_argument("--seed", type=seed_value, default=None, metavar="S",
                   help="random seed (non-negative integer); drawn and recorded in the metadata if omitted")
    p.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="output file, written atomically; .gz/.xz/.bz2 compress (default: standard output)")


def _ratio(text):
    from fractions import Fraction

    try:
        r = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a clause ratio like 4.26, got {text!r}") from None
    if r <= 0:
        raise argparse.ArgumentTypeError(f"the clause ratio must be > 0, got {text!r}")
    return r


def clauses_for_ratio(ratio, n):
    """m = round(ratio * n), halves rounded up, computed exactly (``ratio`` a decimal string or Fraction)."""
    from fractions import Fraction

    return int(Fraction(ratio) * n + Fraction(1, 2))


def _ksat_arguments(p):
    from ._common import count

    p.add_argument("-k", type=count(1, "-k"), default=3, help="clause width (distinct variables per clause; default: 3)")
    p.add_argument("-n", type=count(1, "-n"), required=True, help="number of variables")
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("-m", type=count(0, "-m"), help="number of clauses")
    size.add_argument("--ratio", type=_ratio, metavar="R",
                      help="clause density: m = round(R * n), halves up, as in random-SAT papers (e.g. 4.26)")
    p.add_argument("--planting", choices=PLANTINGS, default=None,
                   help="none: uniform random clauses; planted: every clause satisfied by a hidden assignment "
                        "(stored as the certificate); quiet: quiet planting, every clause NAE-satisfied by it "
                        "(literal frequencies do not give it away) (default: none)")
    p.add_argument("--planted", action="store_true", help="the same as --planting planted")
    # the old spelling of quiet planting: -q/--quiet means "no progress output" in every other command
    p.add_argument("--quiet", dest="quiet_planting", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--max-occurrence", type=count(1, "--max-occurrence"), default=None, metavar="B",
                   help="every variable in at most B clauses")
    p.add_argument("--distinct", action="store_true", help="draw clauses without repetition (default: independently)")
    _seed_argument(p)


#: ``generate ksat --planting`` choices
PLANTINGS = ("none", "planted", "quiet")


def ksat_planting(args):
    """The planting ``generate ksat`` was asked for: ``--planting``, ``--planted``, or the deprecated
    ``--planted --quiet`` (quiet planting; a warning on stderr). Conflicting spellings are a usage error."""
    planting = args.planting
    if args.quiet_planting:
        if not (args.planted or planting in ("planted", "quiet")):
            raise InvalidParameterError("--quiet (quiet planting) needs --planted; it is deprecated: use --planting quiet")
        if planting == "planted":
            raise InvalidParameterError("--planting planted contradicts --quiet (quiet planting)")
        print("reluhard: warning: 'generate ksat --planted --quiet' is deprecated (in every other command -q/--quiet "
              "means no progress output); use --planting quiet", file=sys.stderr)
        planting = "quiet"
    if args.planted:
        if planting == "none":
            raise InvalidParameterError(f"--planted contradicts --planting {planting}")
        planting = planting or "planted"
    return planting or "none"


def _ksat_build(args, seed):
    from reluhard.generators.ksat import ksat_array
    from reluhard.io.dimacs import format_cnf, write_cnf_array

    m = args.m if args.m is not None else clauses_for_ratio(args.ratio, args.n)
    planting = ksat_planting(args)
    clauses, meta = ksat_array(
        args.n, m, k=args.k, planted=planting != "none", quiet=planting == "quiet",
        max_occurrence=args.max_occurrence, distinct=args.distinct, seed=seed,
        dtype="int32" if args.n < 2**31 else "int64",  # same values; half the memory and arithmetic
    )
    if args.ratio is not None:
        meta.setdefault("params", {})["ratio"] = str(args.ratio)
    if args.output is None:
        return format_cnf(clauses, args.n, meta=meta)
    write_cnf_array(args.output, clauses, args.n, meta=meta)
    return f"{args.output}: {args.n} variables, {len(clauses)} clauses, seed {seed}"


def _parse_sizes(text):
    try:
        sizes = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated part sizes like 10,10,10, got {text!r}") from None
    return sizes


def _graph_arguments(p):
    from ._common import count, probability

    p.add_argument("-n", type=count(1, "-n"), default=None, help="number of vertices (not with --multipartite)")
    p.add_argument("-p", type=probability, default=None, help="edge probability of the random background G(n,p)")
    plant = p.add_mutually_exclusive_group()
    plant.add_argument("--plant-clique", type=count(1, "--plant-clique"), default=None, metavar="K", help="plant a clique on K random vertices")
    plant.add_argument("--plant-dense", type=count(1, "--plant-dense"), default=None, metavar="K", help="plant a dense K-subgraph (see --density)")
    p.add_argument("--density", type=probability, default=None, metavar="D", help="edge density inside the planted K-set")
    p.add_argument("--partite", type=count(1, "--partite"), default=None, metavar="K",
                   help="K-partite: vertices in K contiguous balanced parts, edges only between parts; "
                        "a planted set takes one vertex per part")
    p.add_argument("--multipartite", type=_parse_sizes, default=None, metavar="B1,B2,...",
                   help="the complete multipartite graph with these part sizes, e.g. 10,10,10 for K_{10,10,10}")
    _seed_argument(p)


def _graph_build(args, seed):
    from reluhard.generators import graphs
    from reluhard.io.graphs import format_graph, write_graph

    if args.multipartite is not None:
        if args.n is not None or args.p is not None or args.plant_clique or args.plant_dense or args.partite:
            raise InvalidParameterError("--multipartite takes no -n, -p, --plant-* or --partite")
        G = graphs.complete_multipartite(args.multipartite)
    else:
        if args.n is None or args.p is None:
            raise InvalidParameterError("generate graph needs -n and -p (or --multipartite)")
        if args.density is not None and args.plant_dense is None:
            raise InvalidParameterError("--density goes with --plant-dense")
        if args.plant_clique is not None:
            G = graphs.planted_clique(args.n, args.p, args.plant_clique, n_parts=args.partite, seed=seed)
        elif args.plant_dense is not None:
            if args.density is None:
                raise InvalidParameterError("--plant-dense needs --density D")
            G = graphs.planted_dense_subgraph(args.n, args.p, args.plant_dense, args.density, n_parts=args.partite, seed=seed)
        else:
            G = graphs.gnp(args.n, args.p, n_parts=args.partite, seed=seed)
    if args.output is None:
        return format_graph(G, fmt="dimacs")
    write_graph(args.output, G)
    return f"{args.output}: {G.number_of_nodes()} vertices, {G.number_of_edges()} edges, seed {G.graph['reluhard']['seed']}"


def _hypergraph_arguments(p):
    from ._common import count

    p.add_argument("kind", choices=("random", "planted", "named"), help="random r-uniform, planted 2-colourable, or a named case")
    p.add_argument("name", nargs="?", default=None,
                   help="with 'named': fano, fano-minus-line, k5-3, k6-3, k4, cycle (needs --size)")
    p.add_argument("-n", type=count(1, "-n"), default=None, help="number of vertices")
    p.add_argument("-m", type=count(0, "-m"), default=None, help="number of hyperedges")
    p.add_argument("-r", type=count(2, "-r"), default=3, help="edge size (default: 3)")
    p.add_argument("--size", type=count(3, "--size"), default=None, metavar="L", help="length of the named cycle C_L")
    _seed_argument(p)


def _hypergraph_build(args, seed):
    from reluhard.generators import hypergraphs
    from reluhard.io.hgr import format_hgr, write_hgr

    if args.kind == "named":
        if args.name is None:
            raise InvalidParameterError("generate hypergraph named needs a name: " + ", ".join(hypergraphs.NAMED))
        if args.n is not None or args.m is not None:
            raise InvalidParameterError("named hypergraphs take no -n/-m")
        H = hypergraphs.named_hypergraph(args.name, size=args.size)
    else:
        if args.name is not None:
            raise InvalidParameterError(f"unexpected argument {args.name!r} for '{args.kind}'")
        if args.n is None or args.m is None:
            raise InvalidParameterError(f"generate hypergraph {args.kind} needs -n and -m")
        build = hypergraphs.random_uniform_hypergraph if args.kind == "random" else hypergraphs.planted_2colourable_hypergraph
        H = build(args.n, args.m, r=args.r, seed=seed)
    if args.output is None:
        return format_hgr(H)
    write_hgr(args.output, H)
    return f"{args.output}: {H.n_vertices} vertices, {len(H.edges)} hyperedges"


def _blocks_arguments(p):
    p.add_argument("kind", choices=("no", "yes", "quiet", "tightness"),
                   help="no: random blocks certified UNSAT by RC2 (u >= gamma m); yes / quiet: planted / quiet-planted twin; "
                        "tightness: all 8 sign patterns on every triple of each v-variable block")
    from ._common import count, positive_number, probability

    p.add_argument("-n", type=count(1, "-n"), required=True, help="number of variables (tightness: number of blocks)")
    p.add_argument("--ratio", type=positive_number, default=4.26, metavar="R",
                   help="clauses per variable inside each block (default: 4.26)")
    p.add_argument("--block-n", type=count(1, "--block-n"), default=20, metavar="K",
                   help="variables per block (default: 20; tightness: v, default 3)")
    p.add_argument("--gamma", type=probability, default=None, metavar="G",
                   help="NO: every block has u_b >= gamma m_b, so u >= gamma m (default: the generator's)")
    p.add_argument("--max-occurrence", type=count(1, "--max-occurrence"), default=None, metavar="B",
                   help="occurrence bound inside each block")
    _seed_argument(p)


def _blocks_build(args, seed):
    from reluhard.generators import blocks
    from reluhard.io.dimacs import format_cnf, write_cnf_array

    if args.kind == "no":
        clauses, meta = blocks.random_unsat_blocks(args.n, args.ratio, block_n=args.block_n, gamma=args.gamma,
                                                   max_occurrence=args.max_occurrence, seed=seed)
    elif args.kind == "tightness":
        clauses, meta = blocks.tightness_blocks(args.n, v=3 if args.block_n == 20 else args.block_n, seed=seed)
    else:
        clauses, meta = blocks.planted_blocks(args.n, args.ratio, block_n=args.block_n, quiet=args.kind == "quiet",
                                              max_occurrence=args.max_occurrence, seed=seed)
    n = meta["statistics"]["n_vars"]
    if args.output is None:
        return format_cnf(clauses, n, meta=meta)
    write_cnf_array(args.output, clauses, n, meta=meta)
    return f"{args.output}: {n} variables, {len(clauses)} clauses, certified min #falsified {meta['min_unsat']}, seed {seed}"
def _family_arguments(p):
    from reluhard.sweep.grid import FAMILY_REGISTRY

    p.add_argument("name", metavar="NAME", help="an instance family as sweeps and the suite name it: " + ", ".join(FAMILY_REGISTRY.names()))
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a family parameter (repeatable)")
    from ._common import seed_value

    p.add_argument("--seed", type=seed_value, default=None, metavar="S",
                   help="random seed (non-negative integer); drawn and recorded if omitted")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file, written atomically")


def _family_build(args, seed):
    from reluhard.pipeline import write_source
    from reluhard.sweep.grid import _convert, get_family

    fam = get_family(args.name)
    params = {}
    for item in args.param:
        key, sep, val = item.partition("=")
        if not sep or key not in fam.params:
            raise InvalidParameterError(f"--param {item!r}: family {fam.name} takes NAME=VALUE with NAME in {', '.join(fam.params)}")
        params[key] = _convert(key, fam.params[key][0], val)
    missing = [k for k in fam.required if k not in params]
    if missing:
        raise InvalidParameterError(f"family {fam.name} needs --param {', '.join(m + '=...' for m in missing)}")
    write_source(args.output, fam.make(params, seed), fam.kind)
    return f"{args.output}: family {fam.name}, " + (f"seed {seed}" if fam.seeded else "deterministic (no seed)")


#: family name -> (help, add_arguments, build(args, seed) -> bytes for stdout or a summary line)
FAMILIES = {
    "ksat": ("uniform / planted / bounded-occurrence random k-SAT (DIMACS CNF)", _ksat_arguments, _ksat_build),
    "graph": ("G(n,p), planted clique / dense subgraph, k-partite, complete multipartite (.clq/.col or edge list)",
              _graph_arguments, _graph_build),
    "hypergraph": ("random / planted 2-colourable / named hypergraphs (.hgr)", _hypergraph_arguments, _hypergraph_build),
    "blocks": ("certified 3-CNF: variable-disjoint unions of blocks with certified min #falsified (DIMACS CNF)",
               _blocks_arguments, _blocks_build),
    "family": ("any registered instance family by its sweep / suite name (plug-ins included), parameters as --param k=v",
               _family_arguments, _family_build),
    "cnfgen": (_cnfgen.HELP, _cnfgen.add_arguments, _cnfgen.build),
}


class _LazyArguments:
    """A family's parser that adds its arguments on first use (parse or help).

    Only the chosen family's arguments are built, so ``generate ksat`` does not
    import the sweep family registry (and its entry points) that ``generate
    family`` lists in its help.
    """

    _add = None

    def _build_arguments(self):
        add, self._add = self._add, None
        if add is not None:
            add(self)

    def parse_known_args(self, args=None, namespace=None):
        self._build_arguments()
        return super().parse_known_args(args, namespace)

    def format_help(self):
        self._build_arguments()
        return super().format_help()

    def format_usage(self):
        self._build_arguments()
        return super().format_usage()


def add_arguments(parser):
    from ._common import HelpFormatter

    lazy = type("FamilyParser", (_LazyArguments, type(parser)), {})
    sub = parser.add_subparsers(dest="family", metavar="FAMILY", required=True, parser_class=lazy,
                                help="instance family; 'reluhard generate FAMILY --help' lists its options")
    for name, (help_text, add, build) in FAMILIES.items():
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter)
        p._add = add
        p.set_defaults(_build=build)


def run(args):
    seed = check_seed(args.seed)
    if seed is None and not (args.family == "hypergraph" and args.kind == "named") and not (
        args.family == "graph" and args.multipartite is not None
    ):
        seed = draw_seed()
    out = args._build(args, seed)
    if isinstance(out, bytes):
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
    else:
        print(out, file=sys.stderr)
    return 0
