"""Proof-carrying certificates: claims checkable without reluhard's solvers.

Checking side (the trusted base, docs/certificates.md): :func:`check_certificate`
(:mod:`.check`), the encodings (:mod:`.encodings`), the DRUP checkers
(:mod:`.drat`, ``drup`` and ``dratify``) and the instance readers. It imports
no solver. Generating side: :func:`certify_file` / :func:`certify_instance`
(:mod:`.generate`), which runs the solvers and a proof-logging SAT solver.

>>> from reluhard.certificates import certify_file, check_certificate  # doctest: +SKIP
>>> certify_file("phi.cnf", "phi.cert.json")                           # doctest: +SKIP
>>> check_certificate("phi.cert.json").valid                           # doctest: +SKIP
True
"""

from .bundle import CertificateError, CertificateRefused, load_bundle
from .check import CertificateReport, bundle_problems, check_certificate
from .drat import ProofCheck, check_unsat_proof
from .generate import suite_bundle, certify_file, certify_instance, kind_of, prove_max_edges_at_most, prove_min_unsat_at_least, prove_unsat

__all__ = [
    "CertificateError",
    "CertificateRefused",
    "CertificateReport",
    "ProofCheck",
    "certify_file",
    "certify_instance",
    "check_certificate",
    "bundle_problems",
    "suite_bundle",
    "check_unsat_proof",
    "kind_of",
    "load_bundle",
    "prove_max_edges_at_most",
    "prove_min_unsat_at_least",
    "prove_unsat",
]
