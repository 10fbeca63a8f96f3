"""Benchmark datasets in the scikit-learn convention: ``make_*`` generators and ``load_suite``.

Every function returns a :class:`Bunch` (a dict with attribute access, as
``sklearn.utils.Bunch``; scikit-learn is not needed) with

``data``           scipy.sparse CSR matrix: what to train on (normalised variants: the unit-ball data)
``target``         labels (ndarray)
``sample_weight``  positive weights (ndarray)
``certificate``    the public claim: ``yes_value``, ``soundness_bound`` (the NO bound, exact ``"p/q"``),
                   ``soundness_bound_float``, ``min_unsat`` (3-SAT sources), ``eps`` (mean-loss gap), ``statement``
``DESCR``          the dataset card (Markdown)
``card``           the card as a dict
``meta``           the training set's public meta (no witness)
``key``            the answer key (only when asked for: ``return_key=True`` / ``with_key=True``)

Examples
--------
>>> from reluhard.datasets import make_sat_relu
>>> ds = make_sat_relu(200, 4.26, kind="no", seed=0)            # doctest: +SKIP
>>> ds.certificate["min_unsat"] >= 0.01 * ds.meta["n_clauses"]  # doctest: +SKIP
True

``make_sat_relu(n=20000, ratio=4.26, kind="no", seed=s)`` builds a certified
NO training set (u >= 1 % of m, by the block-union construction of
:mod:`reluhard.generators.blocks`) in a few seconds.
"""

import json
import tempfile
from fractions import Fraction
from pathlib import Path

from reluhard.errors import InvalidParameterError

__all__ = ["Bunch", "make_sat_relu", "make_sat_krelu", "make_dks_relu", "load_suite", "suite_rows", "bundled_suite", "to_parquet",
           "read_parquet", "to_svmlight", "torch_dataset"]


class Bunch(dict):
    """A dict whose keys are also attributes (``b.data is b["data"]``), like ``sklearn.utils.Bunch``."""

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __dir__(self):
        return list(self.keys())


def _certificate(meta, card):
    claim = dict(meta.get("claim") or {})
    sb = claim.get("soundness_bound")
    claim["soundness_bound_float"] = None if sb is None else float(Fraction(sb))
    claim["eps_float"] = None if claim.get("eps") is None else float(Fraction(claim["eps"]))
    if card.get("certified", {}).get("combinatorial"):
        claim["combinatorial"] = card["certified"]["combinatorial"]
    return claim


def _bunch_from_file(npz, *, key_path=None, row=None, card_md=None, command=None):
    from reluhard.cards import card, card_markdown
    from reluhard.io.npz import load_training_set

    X, y, c, meta = load_training_set(npz)
    cd = card(npz, row=row, command=command)
    out = Bunch(data=X, target=y, sample_weight=c, meta=meta, card=cd, certificate=_certificate(meta, cd),
                DESCR=card_md if card_md is not None else card_markdown(cd))
    if key_path is not None:
        from reluhard.answer_key import read_key

        out["key"] = read_key(key_path, training_set=npz) if Path(key_path).exists() else None
    return out


def _recomputed_min_unsat(cnf):
    """min #falsified of a block union, recomputed here component by component (RC2 per variable-disjoint
    component; exact for any formula) rather than read from the generator's metadata (an assumption)."""
    from reluhard.solvers.components import min_unsat_components_oracle

    res = min_unsat_components_oracle(cnf)
    if not res.proven:
        raise InvalidParameterError(f"min #falsified could not be recomputed ({res.status})")
    return int(res.value)


def _reduce_to_bunch(reduction, inst, options, *, path, return_key, command, cert=None):
    from reluhard.answer_key import key_path_for
    from reluhard.pipeline import reduce_to_file
    from reluhard.reductions import get_reduction

    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(path) if path is not None else Path(tmp) / "train.npz"
        key = key_path_for(npz)
        reduce_to_file(get_reduction(reduction), inst, str(npz), options, key_out=str(key), cert=cert)
        out = _bunch_from_file(npz, key_path=key if return_key else None, command=command)
        if path is not None:
            out["filename"] = str(npz)
    return out


def make_sat_relu(n, ratio=4.26, kind="no", *, seed=None, block_n=20, gamma=None, planting="quiet", variant="normalized",
                  max_occurrence=None, return_key=False, path=None):
    """A certified sat-relu training set from a block-union 3-CNF (:mod:`reluhard.generators.blocks`).

    Parameters
    ----------
    n : int
        Number of variables (points: 1 + 2n + m, features n + 1).
    ratio : float, default 4.26
        Clauses per variable (in every block).
    kind : {"no", "yes"}
        ``"no"``: random blocks certified UNSAT by RC2 (u >= gamma m, default
        u_b >= 1 per block, i.e. u >= n / block_n); ``"yes"``: the planted twin
        (same block sizes and clause counts), satisfiable.
    seed : int or None
    block_n : int, default 20
        Variables per block.
    gamma : float or None
        NO: every block has u_b >= gamma m_b.
    planting : {"quiet", "plain"}
        YES: quiet planting (literal statistics like the NO side) or plain planting.
    variant : {"normalized", "plain", "gap"}
        The sat-relu variant; ``normalized`` gives unit-ball data and eps.
    max_occurrence : int or None
        Occurrence bound B inside every block.
    return_key : bool
        Also return the answer key (planted / optimal assignment, intended network) as ``key``.
    path : path or None
        Keep the training set there (its key beside it as ``.key.json``).

    Returns
    -------
    Bunch (see the module docstring).
    """
    cnf = _block_cnf(n, ratio, kind, seed=seed, block_n=block_n, gamma=gamma, planting=planting, max_occurrence=max_occurrence)
    cmd = (f"reluhard.datasets.make_sat_relu(n={n}, ratio={ratio}, kind={kind!r}, seed={seed!r}, block_n={block_n}, "
           f"gamma={gamma!r}, planting={planting!r}, variant={variant!r}, max_occurrence={max_occurrence!r})")
    u = _recomputed_min_unsat(cnf)
    return _reduce_to_bunch("sat-relu", cnf, {"variant": variant, "min_unsat": u}, path=path, return_key=return_key, command=cmd,
                            cert={"min_unsat": u})


def _block_cnf(n, ratio, kind, *, seed, block_n, gamma, planting, max_occurrence):
    from reluhard.generators.blocks import planted_blocks_cnf, random_unsat_blocks_cnf

    if kind == "no":
        return random_unsat_blocks_cnf(n, ratio, block_n=block_n, gamma=gamma, max_occurrence=max_occurrence, seed=seed)
    if kind == "yes":
        if planting not in ("quiet", "plain"):
            raise InvalidParameterError(f"planting must be 'quiet' or 'plain', got {planting!r}")
        return planted_blocks_cnf(n, ratio, block_n=block_n, quiet=planting == "quiet", max_occurrence=max_occurrence, seed=seed)
    raise InvalidParameterError(f"kind must be 'yes' or 'no', got {kind!r}")


def make_sat_krelu(n, ratio=4.26, kind="no", *, k=2, seed=None, block_n=20, planting="quiet", return_key=False, path=None):
    """The k-ReLU chain (sat-krelu: 3-SAT -> NAE -> set splitting -> k ReLUs) on the same certified
    block unions as :func:`make_sat_relu`: YES realizable (min L = 0), NO min L > 0."""
    cnf = _block_cnf(n, ratio, kind, seed=seed, block_n=block_n, gamma=None, planting=planting, max_occurrence=None)
    cmd = f"reluhard.datasets.make_sat_krelu(n={n}, ratio={ratio}, kind={kind!r}, k={k}, seed={seed!r}, block_n={block_n}, planting={planting!r})"
    return _reduce_to_bunch("sat-krelu", cnf, {"k": k}, path=path, return_key=return_key, command=cmd,
                            cert={"min_unsat": _recomputed_min_unsat(cnf)})


def make_dks_relu(kappa, b, kind="no", *, copies=1, seed=None, options=None, return_key=False, path=None):
    """A certified dks-relu training set from :mod:`reluhard.generators.dks_scale`.

    NO: ``copies`` disjoint copies of K_{b x (kappa-1)} (every kappa-set misses >= 1 edge,
    delta = 1/C(kappa,2)); YES: the same graph plus one edge inside a part (a kappa-clique).
    n = copies b (kappa - 1). ``options``: further dks-relu options (e.g.
    ``{"params": "exact"}``); kappa and delta come from the construction.
    """
    from reluhard.generators.dks_scale import multipartite_pair, multipartite_union

    G = multipartite_pair(kappa, b, kind=kind, seed=seed) if copies == 1 else multipartite_union(kappa, b, copies, kind=kind, seed=seed)
    cmd = (f"reluhard.datasets.make_dks_relu(kappa={kappa}, b={b}, kind={kind!r}, copies={copies}, seed={seed!r}, "
           f"options={options!r})")
    opts = dict(options or {})
    opts.update(kappa=kappa, delta=Fraction(1, kappa * (kappa - 1) // 2))
    return _reduce_to_bunch("dks-relu", G, opts, path=path, return_key=return_key, command=cmd)


# ---------------------------------------------------------------- the bundled suite

def bundled_suite():
    """The folder of the suite installed with the package (tiny and medium tiers, public and key parts)."""
    from importlib import resources

    try:
        root = resources.files("reluhard._instances")
    except ModuleNotFoundError:  # pragma: no cover - a broken install
        raise InvalidParameterError("the bundled suite is not installed (reluhard._instances missing)") from None
    return Path(str(root))


def suite_rows(folder=None):
    """The row ids of a suite (default: the bundled one) that are built there."""
    from reluhard.suite import read_manifest

    folder = bundled_suite() if folder is None else Path(folder)
    return [r["id"] for r in read_manifest(folder)["rows"] if r.get("built") and all((folder / f).exists() for f in r["files"])]


def load_suite(row, *, folder=None, with_key=False):
    """One suite row as a :class:`Bunch`, e.g. ``load_suite("sat-relu/medium/no")``.

    Parameters
    ----------
    row : str
        Row id ``<reduction>/<tier>/<answer>``.
    folder : path or None
        A suite folder (``reluhard suite build DIR``); default: the bundled suite.
    with_key : bool
        Also load the row's answer key (``key``; None when the key part is absent).
    """
    from reluhard.suite import read_manifest

    folder = bundled_suite() if folder is None else Path(folder)
    rows = {r["id"]: r for r in read_manifest(folder)["rows"]}
    if row not in rows:
        raise InvalidParameterError(f"no suite row {row!r}; known: {', '.join(sorted(rows))}")
    r = rows[row]
    if not r.get("built") or not all((folder / f).exists() for f in r["files"]):
        raise InvalidParameterError(f"{row} is not built in {folder} (large tiers: 'reluhard suite build DIR --large')")
    npz = folder / next(f for f in r["files"] if f.endswith(".npz"))
    md = next((folder / f for f in r["files"] if f.endswith(".card.md")), None)
    key = next(iter(r.get("keys") or {}), None)
    out = _bunch_from_file(npz, key_path=(folder / key) if (with_key and key) else None, row=r,
                           card_md=md.read_text(encoding="utf-8") if md is not None else None)
    if with_key and key is None:
        out["key"] = None
    out["row"] = r
    out["filename"] = str(npz)
    return out


# ---------------------------------------------------------------- export

def _arrays(obj):
    if isinstance(obj, dict) and "data" in obj:
        return obj["data"], obj["target"], obj["sample_weight"], obj.get("meta", {})
    from reluhard.io.npz import load_training_set

    return load_training_set(obj)


def to_parquet(obj, out_path):
    """Write a training set (a Bunch or an ``.npz`` path) as Parquet: one row per point.

    Columns: ``indices`` (list<int32>), ``values`` (list<float64>) — the sparse row
    as stored in ``data`` —, ``target``, ``sample_weight``; the public meta is in
    the schema metadata under ``b"reluhard"``, the column count under
    ``b"n_features"``. pyarrow is imported here (``pip install pyarrow``).
    """
    from reluhard.io import atomic_write
    from reluhard.solvers.base import require

    pa = require("pyarrow", "pyarrow")
    pq = require("pyarrow.parquet", "pyarrow")
    X, y, c, meta = _arrays(obj)
    X = X.tocsr()
    offsets = pa.array(X.indptr.astype("int32"))
    table = pa.table({
        "indices": pa.ListArray.from_arrays(offsets, pa.array(X.indices.astype("int32"))),
        "values": pa.ListArray.from_arrays(offsets, pa.array(X.data.astype("float64"))),
        "target": pa.array(y.astype("float64")),
        "sample_weight": pa.array(c.astype("float64")),
    })
    table = table.replace_schema_metadata({b"reluhard": json.dumps(meta, sort_keys=True).encode(),
                                           b"n_features": str(X.shape[1]).encode()})
    with atomic_write(out_path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    return str(out_path)


def read_parquet(path):
    """Inverse of :func:`to_parquet`: ``(X CSR, y, sample_weight, meta)``."""
    import numpy as np
    import scipy.sparse as sp

    from reluhard.solvers.base import require

    pq = require("pyarrow.parquet", "pyarrow")
    t = pq.read_table(path)
    md = t.schema.metadata or {}
    ind, val = t.column("indices").combine_chunks(), t.column("values").combine_chunks()
    indptr = np.asarray(ind.offsets, dtype=np.int64)
    d = int(md.get(b"n_features", b"0"))
    X = sp.csr_matrix((np.asarray(val.values, dtype=np.float64), np.asarray(ind.values, dtype=np.int64), indptr),
                      shape=(len(indptr) - 1, d))
    return (X, np.asarray(t.column("target"), dtype=np.float64), np.asarray(t.column("sample_weight"), dtype=np.float64),
            json.loads(md.get(b"reluhard", b"{}")))


def to_svmlight(npz_path, out_path, **kw):
    """svmlight export (see :func:`reluhard.suite.to_svmlight`)."""
    from reluhard.suite import to_svmlight as _svm

    return _svm(npz_path, out_path, **kw)


def torch_dataset(npz_path, **kw):
    """A ``torch.utils.data.Dataset`` of ``(x, y, c)`` rows (see :func:`reluhard.suite.torch_dataset`)."""
    from reluhard.suite import torch_dataset as _td

    return _td(npz_path, **kw)
