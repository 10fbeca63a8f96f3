"""The versioned benchmark suite (``instances/``): build, check, load.

``reluhard suite build instances/`` regenerates, for every registered reduction
to ReLU training, YES and NO instances at three tiers:

=======  ==========================================================  =========
tier     certification                                               committed
=======  ==========================================================  =========
tiny     ``verify`` end to end (exact oracle, exact-arithmetic lift,  yes
         exact fitter where it finishes), status must be ``ok``
medium   combinatorial optimum certified (RC2 MaxSAT / exact DkS /   yes
         SAT 2-colouring), bounds from it
large    ``--large``: >= 10^5 points per sat-relu row, from families  no
         certified by construction (block unions re-certified by
         components, complete multipartite graphs in closed form)
xlarge   ``--large``: sat-relu at >= 10^6 points, same certification  no
lowdim   sat-relu on 3 variables (rank-4 training sets, for exact      yes
         low-dimensional algorithms: Arora et al.'s enumeration),
         optimum certified by RC2, bounds from it
hard     sat-relu on planted satisfiable random 3-CNF (ratio 4.26) at  yes
         n = 20, 40, 60 (rows ``sat-relu/hard/n20`` ...): RC2 certifies
         satisfiability, so min L = n exactly; the family on which the
         usual optimizers fail (``reluhard bench --tiers hard``)
=======  ==========================================================  =========

A row's files are named by the last part of its id (``<answer>`` for the
tiny to xlarge and lowdim tiers, ``n<N>`` for the hard tier). A tier of the
default recipe that an existing manifest has no row of for a reduction joins
that manifest on the next build; ``build_suite(..., tiers=)`` rebuilds only
some tiers and keeps the other rows as they are.

Every folder has a public part (sources without witnesses, training sets,
dataset cards) and a key part ``keys/<reduction>/<tier>/<answer>.key.json``
(:mod:`reluhard.answer_key`); the manifest lists them under ``files`` and
``keys``, and ``suite check`` verifies that no public file holds a witness.

The manifest ``instances/manifest.json`` drives the build: each row's recipe
(reduction, tier, answer, family, params, seed, options) is rebuilt as it
stands; a registered reduction without rows gets the default recipe
(:func:`default_recipe`). After the build every row also holds the seed used
(NO instances: the first seed from ``seed`` whose instance is a certified NO),
the certified combinatorial optimum, the certified loss bounds (exact
rationals ``"p/q"`` and floats), eps (NO rows: (soundness - YES value) / sum
of weights, the mean-loss gap of conventions §2), the training-set size and
the sha256 of every file. Same code, same manifest: byte-identical files.

``reluhard suite check instances/`` recomputes every hash and, for the tiny
tier, re-derives the certified optimum and bounds from the source file and
the training set (byte for byte) from the reduction.

Loaders: :func:`load` (numpy/scipy), :func:`to_svmlight` (a file read by
scikit-learn's ``load_svmlight_file``; scikit-learn itself is not needed),
:func:`torch_dataset` (a ``torch.utils.data.Dataset``; torch imported lazily,
never a dependency).
"""

import json
import tempfile
from fractions import Fraction
from pathlib import Path

from reluhard.data import frac_str, jsonable as _jsonable
from reluhard.errors import InstanceFormatError, InvalidParameterError

__all__ = [
    "MANIFEST",
    "TIERS",
    "default_recipe",
    "build_suite",
    "check_suite",
    "read_manifest",
    "load",
    "to_svmlight",
    "torch_dataset",
    "sha256_file",
    "public_file_witnesses",
    "BIG_TIERS",
    "KEYS",
]

MANIFEST = "manifest.json"
SUITE_FORMAT = 1
TIERS = ("tiny", "medium", "large", "xlarge", "lowdim", "hard")
#: the hard tier's numbers of variables (planted R1 through sat-relu; docs/bench.md "The hard family")
HARD_NS = (20, 40, 60)
#: tiers built only with ``suite build --large`` (never committed)
BIG_TIERS = ("large", "xlarge")
#: the answer-key part of a suite folder: KEYS/<reduction>/<tier>/<answer>.key.json
KEYS = "keys"
#: tiers whose rows ship a certificate bundle (checked by ``suite check``)
BUNDLED_TIERS = ("medium", "large")
#: CNF families whose min #falsified is certified component by component (block unions)
BLOCK_FAMILIES = ("blocks", "planted-blocks", "tightness-blocks")
_SUFFIX = {"cnf": ".cnf", "graph": ".clq", "hypergraph": ".hgr"}
_MAX_SEED_SEARCH = 500


# ---------------------------------------------------------------- recipe

def _rows(reduction, specs):
    out = []
    for tier, answer, family, params, seed, options in specs:
        out.append({"id": f"{reduction}/{tier}/{answer}", "reduction": reduction, "tier": tier, "answer": answer,
                    "family": family, "params": params, "seed": seed, "options": options})
    return out


def default_recipe(reduction):
    """The default rows of one reduction (by its source kind; sizes chosen so tiny verifies in seconds).

    Returns
    -------
    list of dict
        Recipe rows (id, reduction, tier, answer, family, params, seed, options).
    """
    from reluhard.reductions import get_reduction

    red = get_reduction(reduction)
    kind = red.source_kind
    chain = len(red.steps) > 1
    if kind == "cnf":
        if not chain:  # sat-relu: one ReLU, exact orthant enumeration to n = 8
            specs = [
                ("tiny", "yes", "ksat", {"n": 6, "ratio": 4.0, "planted": True}, 1, {}),
                ("tiny", "no", "ksat", {"n": 6, "ratio": 8.0}, 1, {}),
                ("medium", "yes", "ksat", {"n": 30, "ratio": 4.26, "planted": True}, 1, {}),
                ("medium", "no", "ksat", {"n": 30, "ratio": 6.0}, 1, {}),
                # large / xlarge: certified block unions (u by construction, re-certified by components)
                ("large", "yes", "planted-blocks", {"n": 16000, "ratio": 4.26, "block_n": 20, "quiet": True}, 1, {}),
                ("large", "no", "blocks", {"n": 16000, "ratio": 4.26, "block_n": 20}, 1, {}),
                ("xlarge", "yes", "planted-blocks", {"n": 160000, "ratio": 4.26, "block_n": 20, "quiet": True}, 1, {}),
                ("xlarge", "no", "blocks", {"n": 160000, "ratio": 4.26, "block_n": 20}, 1, {}),
                # lowdim: 3 variables, rank-4 training sets (exact arrangement enumeration applies)
                ("lowdim", "yes", "ksat", {"n": 3, "ratio": 3.0, "planted": True}, 1, {}),
                ("lowdim", "no", "ksat", {"n": 3, "m": 8, "distinct": True}, 1, {}),
            ]
            return _rows(reduction, specs) + [
                {"id": f"{reduction}/hard/n{n}", "reduction": reduction, "tier": "hard", "answer": "yes", "family": "ksat",
                 "params": {"n": n, "ratio": 4.26, "planted": True}, "seed": 0, "options": {}} for n in HARD_NS]
        else:  # chains grow quickly (clique graphs on 3m vertices, hypergraphs)
            big = 40 if any(getattr(st, "target_kind", None) == "graph" for st in red.steps) else 16000
            specs = [
                ("tiny", "yes", "ksat", {"n": 3, "m": 2, "planted": True}, 1, {}),
                ("tiny", "no", "ksat", {"n": 3, "m": 8, "distinct": True}, 1, {}),
                ("medium", "yes", "ksat", {"n": 6, "ratio": 3.0, "planted": True}, 1, {}),
                ("medium", "no", "ksat", {"n": 4, "m": 20, "distinct": True}, 1, {}),
                # large: the same certified block unions (sat-clique-relu grows quadratically: n = 40 gives 1.3e5 points)
                ("large", "yes", "planted-blocks", {"n": big, "ratio": 4.26, "block_n": 20, "quiet": True}, 1, {}),
                ("large", "no", "blocks", {"n": big, "ratio": 4.26, "block_n": 20}, 1, {}),
            ]
    elif kind == "graph":
        specs = [
            ("tiny", "yes", "planted-clique", {"n": 6, "p": 0.3, "kappa": 3}, 1, {}),
            ("tiny", "no", "gnp", {"n": 6, "p": 0.3, "kappa": 3}, 1, {}),
            ("medium", "yes", "planted-clique", {"n": 16, "p": 0.3, "kappa": 5}, 1, {}),
            ("medium", "no", "gnp", {"n": 16, "p": 0.3, "kappa": 5}, 1, {}),
            # large: complete multipartite graphs, max edges of a kappa-set in closed form (Turan-type)
            ("large", "yes", "multipartite", {"b": 60, "r": 8, "kappa": 7}, 0, {}),
            ("large", "no", "multipartite", {"b": 80, "r": 6, "kappa": 7}, 0, {}),
        ]
    elif kind == "hypergraph":
        specs = [
            ("tiny", "yes", "hypergraph", {"n": 6, "m": 6, "planted": True}, 1, {}),
            ("tiny", "no", "named-hypergraph", {"name": "fano"}, 0, {}),
            ("medium", "yes", "hypergraph", {"n": 12, "m": 24, "planted": True}, 1, {}),
            ("medium", "no", "named-hypergraph", {"name": "k6-3"}, 0, {}),
            # large: disjoint copies of fano-minus-line (YES) / the Fano plane (NO), >= 10^5 points
            ("large", "yes", "hypergraph-blocks", {"copies": 8000, "colourable": True}, 1, {}),
            ("large", "no", "hypergraph-blocks", {"copies": 8000}, 1, {}),
        ]
    else:
        return []
    return _rows(reduction, specs)


def _registered_relu_reductions():
    from reluhard.reductions import get_reduction, reduction_names

    return [n for n in reduction_names() if get_reduction(n).target_kind == "relu"]


# ---------------------------------------------------------------- manifest

from reluhard.io.atomic import sha256_file  # noqa: E402  (re-exported: reluhard.suite.sha256_file)


def read_manifest(folder):
    """The manifest of a suite folder (``{"format", "reluhard_version", "rows": [...]}``).

    Raises
    ------
    InstanceFormatError
        The file is missing or not a suite manifest.
    """
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InstanceFormatError("no suite manifest here (build one with 'reluhard suite build')", path=path) from None
    except ValueError as exc:
        raise InstanceFormatError(f"not JSON: {exc}", path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InstanceFormatError("a suite manifest is a JSON object with a 'rows' list", path=path)
    return data


def _write_manifest(folder, rows):
    from reluhard import __version__
    from reluhard.io import atomic_write

    data = {"format": SUITE_FORMAT, "reluhard_version": __version__,
            "description": "reluhard benchmark suite; rebuild with 'reluhard suite build', check with 'reluhard suite check'",
            "rows": rows}
    with atomic_write(Path(folder) / MANIFEST) as fh:
        json.dump(data, fh, indent=1, sort_keys=False)
        fh.write("\n")


# ---------------------------------------------------------------- build

def _make_instance(row, seed):
    from reluhard.sweep.grid import build_instance

    return build_instance({"family": row["family"], "params": row["params"], "seed": seed})


def _write_source(path, inst, kind):
    from reluhard.pipeline import write_source

    write_source(path, inst, kind)


def _solve_row(red, inst, options, time_limit, family=None):
    """The row's certified combinatorial value: block unions are solved block by block
    (:mod:`reluhard.solvers.components`), everything else by the source problem's oracle."""
    from reluhard.pipeline import solve_source

    if family in BLOCK_FAMILIES:
        from reluhard.solvers.components import min_unsat_components_oracle

        return min_unsat_components_oracle(inst, time_limit=time_limit)
    return solve_source(red, inst, options=options, time_limit=time_limit)


def _build_row(folder, row, *, time_limit, log):
    from reluhard.io.instances import read_instance
    from reluhard.io.npz import load_training_set
    from reluhard.pipeline import certified_options, certify, fit_and_check, reduce_to_file
    from reluhard.reductions import get_reduction

    red = get_reduction(row["reduction"])
    kind = red.source_kind
    rel = Path(row["reduction"]) / row["tier"]
    (Path(folder) / rel).mkdir(parents=True, exist_ok=True)
    stem = row["id"].rsplit("/", 1)[-1]  # the answer, or e.g. n20 for the hard tier
    src_rel = rel / f"{stem}{_SUFFIX[kind]}"
    npz_rel = rel / f"{stem}.npz"
    src, npz = Path(folder) / src_rel, Path(folder) / npz_rel
    want_yes = row["answer"] == "yes"
    from reluhard.sweep.grid import get_family

    tries = _MAX_SEED_SEARCH if get_family(row["family"]).seeded else 1
    comb = None
    for seed in range(int(row["seed"]), int(row["seed"]) + tries):
        inst = _make_instance(row, seed)
        _write_source(src, inst, kind)
        inst = read_instance(src, kind)  # certify exactly what the file holds
        comb = _solve_row(red, inst, row["options"], time_limit, row["family"])
        if comb.value is not None and _gap(red, comb) is not None and (_gap(red, comb) == 0) == want_yes:
            break
        if comb.value is None and not want_yes and row["tier"] in BIG_TIERS:
            break  # an unproven large NO candidate: kept, recorded as unproven
    else:
        raise InvalidParameterError(f"{row['id']}: no {row['answer'].upper()} instance among seeds {row['seed']}..{row['seed'] + tries - 1}")
    options = certified_options(red, row["options"], comb.cert)
    # public part: the source without witnesses; key part: every witness, named by the public npz's hash
    from reluhard.answer_key import public_instance

    pub, _removed = public_instance(inst)
    _write_source(src, pub, kind)
    key_rel = Path(KEYS) / rel / f"{stem}.key.json"
    (Path(folder) / key_rel).parent.mkdir(parents=True, exist_ok=True)
    reduce_to_file(red, inst, str(npz), options, key_out=str(Path(folder) / key_rel), cert=comb.cert if comb.proven else None)
    _add_optimum_to_key(Path(folder) / key_rel, npz, comb, inst, kind)
    cz = certify(red, inst, options=row["options"], comb=comb)
    b = cz.bounds
    yes_loss = cz.yes_loss()
    if comb.value is None and not want_yes:
        # the solver certified nothing (timeout): a soundness bound would rest on an unproven promise
        # (an unproven DkS run still certifies an upper bound, which the reduction's bounds use)
        from reluhard.reductions import Bounds

        b = Bounds(completeness=None, soundness=None, realizable=None, assumptions={},
                   statement=f"unproven ({comb.status}): the NO promise is not certified, no soundness bound is claimed")
    X, y, c, meta = load_training_set(npz)
    total_w = Fraction(sum(Fraction(float(w)) for w in c))
    eps = None
    if not want_yes and b.soundness is not None and yes_loss is not None and b.soundness > yes_loss:
        eps = (b.soundness - yes_loss) / total_w  # None where only a qualitative claim is made (k-ReLU: min > 0)
    out = {k: row[k] for k in ("id", "reduction", "tier", "answer", "family", "params", "seed", "options")}
    out.update({
        "seed_used": seed,
        "options_used": _jsonable(options),
        "combinatorial": {"problem": comb.problem, "optimum": _jsonable(comb.value), "proven": bool(comb.proven), "status": comb.status},
        "bounds": _bounds_json(b, yes_loss),
        "eps": None if eps is None else frac_str(eps),
        "eps_float": None if eps is None else float(eps),
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "total_weight": float(total_w),
        "files": {str(src_rel): sha256_file(src), str(npz_rel): sha256_file(npz)},
        "keys": {str(key_rel): sha256_file(Path(folder) / key_rel)},
        "built": True,
    })
    # proof-carrying certificate bundle in the key part (docs/certificates.md): medium and large rows (block unions:
    # one small DRUP proof per block; complete multipartite DkS rows: the checked part structure); xlarge rows are
    # certified by construction only (ten times the large row's certification time)
    if row["tier"] in BUNDLED_TIERS and comb.proven:
        from reluhard.certificates import suite_bundle

        out["keys"].update(suite_bundle(folder, src_rel, row["reduction"], options, time_limit=time_limit, log=log, bundle_dir=KEYS))
    if kind == "cnf":
        from reluhard.generators.blocks import formula_statistics
        from reluhard.structures.cnf import clause_matrix

        out["source_statistics"] = formula_statistics(clause_matrix(inst, 3), int(inst.nv))
    if row["tier"] == "tiny":
        # verify on the certified image (the source is not solved again)
        rep = fit_and_check(cz, time_limit=time_limit, restarts=10, seed=0)
        out["verified"] = {"status": rep["status"], "methods": list(rep["fits"]), "checks": rep["checks"],
                           "best_loss": min((f.get("loss_reevaluated") for f in rep["fits"].values() if f.get("loss_reevaluated") is not None), default=None)}
        if rep["status"] != "ok":
            raise InvalidParameterError(f"{row['id']}: verify says {rep['status']} ({rep['inconclusive_because'] or rep['checks']})")
    from reluhard.cards import write_card

    for path in write_card(npz, row=out):
        out["files"][str(Path(path).relative_to(folder))] = sha256_file(path)
    log(f"{row['id']}: seed {seed}, {comb.problem} optimum {comb.value}{'' if comb.proven else ' (unproven)'}, "
        f"{out['n_samples']} x {out['n_features']}, {sum((Path(folder) / f).stat().st_size for f in out['files']) / 1024:.1f} KiB")
    return out


def _add_optimum_to_key(key_path, npz, comb, inst, kind):
    """Key part of a row: the oracle's optimal witness joins the key (written also when the reduction found none)."""
    from reluhard.answer_key import make_key, read_key, write_key
    from reluhard.io.instances import instance_sha256

    try:
        key = read_key(key_path)
        if (key.get("training_set") or {}).get("sha256") != sha256_file(npz):
            raise InstanceFormatError("left over from an earlier build", path=key_path)  # a stale key is rebuilt
    except InstanceFormatError:
        key = make_key(training_set_file=npz, training_set_sha256=sha256_file(npz), source_sha256=instance_sha256(inst, kind),
                       reduction=None, witness=None, network=None, removed=[])
    key["optimum"] = {"problem": comb.problem, "value": _jsonable(comb.value), "witness": _jsonable(comb.witness),
                      "proven": bool(comb.proven)}
    write_key(key_path, key)


def _gap(red, comb):
    from reluhard.pipeline import source_problem

    return None if comb.value is None else source_problem(red).gap(comb.value, comb.cert)


def _bounds_json(b, yes_loss):
    return b.to_json(assumptions=False) | {"yes_loss": None if yes_loss is None else frac_str(yes_loss)}


def build_suite(folder, *, large=False, reductions=None, tiers=None, time_limit=120.0, log=print):
    """(Re)build the suite in ``folder`` from its manifest (or the default recipe).

    Parameters
    ----------
    folder : path
    large : bool
        Also build the large tier (not committed; listed in the manifest either way).
    reductions : list of str or None
        Only these reductions (default: every registered reduction to ReLU training).
    tiers : list of str or None
        Only (re)build the rows of these tiers; every other row stays as the manifest has it (default: all).
    time_limit : float
        Per combinatorial solve (large tier: the result may be unproven).
    log : callable
        Progress lines.

    Returns
    -------
    list of dict : the manifest rows.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # a corrupt manifest is an error (never silently replaced by the default recipe)
    old = read_manifest(folder)["rows"] if (folder / MANIFEST).exists() else []
    names = reductions or _registered_relu_reductions()
    if tiers is not None:
        unknown = sorted(set(tiers) - set(TIERS))
        if unknown:
            raise InvalidParameterError(f"unknown suite tier(s) {', '.join(unknown)}; known: {', '.join(TIERS)}")
    recipe = [r for r in old if r["reduction"] in names]
    have = {(r["reduction"], r["tier"]) for r in recipe}
    for name in names:
        # a reduction without rows gets the default recipe; a tier of the default recipe it has no row of joins
        recipe += [r for r in default_recipe(name) if (name, r["tier"]) not in have]
    keep = [r for r in old if r["reduction"] not in names]
    rows = []
    for row in recipe:
        if tiers is not None and row["tier"] not in tiers:
            prev = next((r for r in old if r["id"] == row["id"]), None)
            rows.append(prev if prev is not None else
                        {k: row[k] for k in ("id", "reduction", "tier", "answer", "family", "params", "seed", "options")} | {"built": False})
            continue
        if row["tier"] in BIG_TIERS and not large:
            prev = next((r for r in old if r["id"] == row["id"] and r.get("built")), None)
            rows.append(prev if prev is not None and all((folder / f).exists() for f in prev["files"]) else
                        {k: row[k] for k in ("id", "reduction", "tier", "answer", "family", "params", "seed", "options")} | {"built": False})
            continue
        rows.append(_build_row(folder, row, time_limit=time_limit, log=log))
    rows = keep + rows
    _write_manifest(folder, rows)
    return rows


# ---------------------------------------------------------------- check

def check_suite(folder, *, reverify=True, time_limit=120.0, log=print):
    """Recompute every hash; re-derive the tiny tier's certified values and training sets.

    Returns
    -------
    list of str : the problems found (empty when the suite is intact).
    """
    from reluhard.io.instances import read_instance
    from reluhard.pipeline import certify, reduce_to_file
    from reluhard.reductions import get_reduction

    folder = Path(folder)
    rows = read_manifest(folder)["rows"]
    problems = []
    n_files = n_scanned = 0
    for row in rows:
        if not row.get("built"):
            continue
        if row["tier"] in BIG_TIERS and not all((folder / rel).exists() for rel in row["files"]):
            continue  # the large tiers are not committed; they are checked where they were built
        keys = {rel: d for rel, d in (row.get("keys") or {}).items() if (folder / rel).exists()}  # the key part may be absent
        intact = []
        for rel, digest in list(row["files"].items()) + list(keys.items()):
            path = folder / rel
            n_files += 1
            if not path.exists():
                problems.append(f"{row['id']}: {rel} is missing")
            elif sha256_file(path) != digest:
                problems.append(f"{row['id']}: {rel} has sha256 {sha256_file(path)[:12]}..., manifest says {digest[:12]}...")
            else:
                intact.append(rel)
        for rel in row["files"]:
            if rel in intact:  # no public file may hold a witness
                found = public_file_witnesses(folder / rel)
                n_scanned += 1
                if found:
                    problems.append(f"{row['id']}: public file {rel} holds a witness at {'.'.join(map(str, found[0]))}")
        for rel in (f for f in (*row["files"], *row.get("keys", {})) if f.endswith(".cert.json") and (folder / f).exists()):
            from reluhard.certificates import bundle_problems

            problems.extend(f"{row['id']}: {p}" for p in bundle_problems(folder / rel))  # check-certificate
        if row["tier"] != "tiny" or not reverify:
            continue
        red = get_reduction(row["reduction"])
        src = next(folder / f for f in row["files"] if f.endswith(tuple(_SUFFIX.values())))
        npz = next(folder / f for f in row["files"] if f.endswith(".npz"))
        if not src.exists() or not npz.exists():
            continue
        inst = read_instance(src, red.source_kind)
        cz = certify(red, inst, options=row["options"], time_limit=time_limit,
                     comb=_solve_row(red, inst, row["options"], time_limit, row.get("family")))
        comb = cz.comb
        if not comb.proven or _jsonable(comb.value) != row["combinatorial"]["optimum"]:
            problems.append(f"{row['id']}: combinatorial optimum {comb.value} ({comb.status}), manifest says {row['combinatorial']['optimum']}")
            continue
        options, b = cz.options, cz.bounds
        for key, val in (("completeness_loss_float", b.completeness), ("soundness_bound_float", b.soundness)):
            want = row["bounds"][key]
            if (val is None) != (want is None) or (val is not None and float(val) != want):
                problems.append(f"{row['id']}: {key} recomputes to {val}, manifest says {want}")
        if not keys:
            log(f"{row['id']}: no key part here; the training set is not re-derived byte for byte")
            continue
        from reluhard.answer_key import read_key, restore_source_witnesses

        restore_source_witnesses(inst, read_key(folder / next(iter(keys))))
        with tempfile.TemporaryDirectory() as tmp:
            again = Path(tmp) / "again.npz"
            reduce_to_file(red, inst, str(again), options, key_out=False, cert=comb.cert)
            if sha256_file(again) != row["files"][str(npz.relative_to(folder))]:
                problems.append(f"{row['id']}: re-reducing the source does not reproduce {npz.name} byte for byte")
    log(f"{n_files} files hashed, {n_scanned} public files scanned for witnesses, {sum(1 for r in rows if r.get('built') and r['tier'] == 'tiny')} tiny rows re-verified, "
        f"{len(problems)} problem(s)")
    return problems


def public_file_witnesses(path):
    """Witness paths found in one public suite file (training set meta, source metadata, card JSON); [] when clean."""
    from reluhard.answer_key import find_witnesses

    path = Path(path)
    name = path.name
    if name.endswith(".npz"):
        from reluhard.io.npz import load_training_set

        return find_witnesses(load_training_set(path, raw=True)[3])
    if name.endswith(".json"):
        return find_witnesses(json.loads(path.read_text(encoding="utf-8")))
    if name.endswith(".md"):
        return []  # rendered from the card JSON, which is scanned
    kind = next(k for k, suf in _SUFFIX.items() if name.endswith(suf))
    from reluhard.answer_key import source_meta
    from reluhard.io.instances import read_instance

    return find_witnesses(source_meta(read_instance(path, kind)))


# ---------------------------------------------------------------- loaders

def load(folder, row_id):
    """``(X, y, sample_weight, meta)`` of a suite row (scipy CSR, numpy arrays, dict), e.g. ``load("instances", "sat-relu/tiny/no")``.

    Raises
    ------
    InvalidParameterError
        No such row, or it is not built (large tier without ``--large``).
    """
    from reluhard.io.npz import load_training_set

    rows = {r["id"]: r for r in read_manifest(folder)["rows"]}
    if row_id not in rows:
        raise InvalidParameterError(f"no suite row {row_id!r}; known: {', '.join(sorted(rows))}")
    row = rows[row_id]
    if not row.get("built"):
        raise InvalidParameterError(f"{row_id} is not built here (large tier: run 'reluhard suite build --large')")
    npz = next(f for f in row["files"] if f.endswith(".npz"))
    return load_training_set(Path(folder) / npz)


def to_svmlight(npz_path, out_path, *, weights_path=None):
    """Write a training set in svmlight/libsvm format (1-based feature ids), readable by
    ``sklearn.datasets.load_svmlight_file(out_path, n_features=d)``.

    svmlight has no sample weights: they go to ``weights_path`` (default
    ``<out_path>.weights``), one per line, for ``fit(..., sample_weight=...)``.
    Numbers are written with ``repr`` (shortest round-trip), so floats are exact.

    Returns
    -------
    (out_path, weights_path) : the files written (atomically).
    """
    from reluhard.io import atomic_write
    from reluhard.io.npz import load_training_set

    X, y, c, meta = load_training_set(npz_path)
    X = X.tocsr()
    X.sort_indices()
    out_path = Path(out_path)
    weights_path = Path(weights_path) if weights_path is not None else out_path.with_name(out_path.name + ".weights")
    with atomic_write(out_path) as fh:
        fh.write(f"# reluhard training set {Path(npz_path).name}: {X.shape[0]} samples, {X.shape[1]} features "
                 f"(1-based ids), weights in {weights_path.name}\n")
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            feats = " ".join(f"{j + 1}:{float(v)!r}" for j, v in zip(X.indices[lo:hi], X.data[lo:hi]) if v != 0)
            fh.write(f"{float(y[i])!r} {feats}".rstrip() + "\n")
    with atomic_write(weights_path) as fh:
        fh.write("".join(f"{float(w)!r}\n" for w in c))
    return str(out_path), str(weights_path)


def torch_dataset(npz_path, *, dtype=None):
    """A ``torch.utils.data.Dataset`` over a training set: item i is ``(x_i, y_i, c_i)`` tensors.

    torch is imported here (``pip install torch``); it is never a reluhard dependency.
    ``x_i`` is dense (the training sets are narrow); ``dtype`` defaults to float32.
    """
    from reluhard.io.npz import load_training_set
    from reluhard.solvers.base import require

    torch = require("torch", "torch")
    X, y, c, meta = load_training_set(npz_path)
    dt = dtype or torch.float32

    class TrainingSetDataset(torch.utils.data.Dataset):
        """Rows of a reluhard training set as (features, label, sample weight) tensors."""

        def __init__(self):
            self.X = torch.as_tensor(X.toarray(), dtype=dt)
            self.y = torch.as_tensor(y, dtype=dt)
            self.sample_weight = torch.as_tensor(c, dtype=dt)
            self.meta = meta

        def __len__(self):
            return int(self.y.shape[0])

        def __getitem__(self, i):
            return self.X[i], self.y[i], self.sample_weight[i]

    return TrainingSetDataset()
