"""``reluhard check-certificate CERT.json``: re-check a bundle with the independent checker (no solver)."""

from ._common import add_json, print_json

NAME = "check-certificate"
HELP = "check a certificate bundle without reluhard's solvers (exit 0 valid, 1 a named claim failed, 2 bad input)"


def add_arguments(p):
    p.add_argument("certificate", metavar="CERT.json", help="certificate bundle written by 'reluhard certify' (files it names are found beside it)")
    p.add_argument("--checker", choices=["auto", "both", "drup", "dratify", "native"], default="auto",
                   help="DRUP checkers: auto = dratify always (its Rust engine when installed, reluhard[native]) + drup "
                        "(verified, authoritative) where lemmas x (clauses + lemmas) <= 2*10^5; both = drup always; "
                        "dratify = the pure-Python engine only; native = the Rust engine only")
    add_json(p)


def run(args):
    from reluhard.certificates import check_certificate

    rep = check_certificate(args.certificate, checker=args.checker)
    if args.json:
        print_json(rep.to_json())
    else:
        for name, c in rep.claims.items():
            tag = "ok" if c["ok"] else ("INVALID" if c["ok"] is False else "unchecked")
            print(f"  [{tag}] {name}: {c['reason']}")
            for pr in c.get("proofs", ()):
                print(f"      proof {pr['file']}: {pr['lemmas']} lemmas, checked by {' + '.join(pr['checked_by'])} in {pr['seconds']:.3g} s")
        print("valid" if rep.valid else f"INVALID: {', '.join(rep.failed)}")
    return rep.exit_code
