"""Public claims and dataset cards (Markdown + JSON + Croissant JSON-LD) for training sets.

:func:`claim_of` states what a training set promises, from its public meta
(no witness): the YES value, the NO bound, eps in mean-loss units and the
promise in words. :func:`card` builds the machine-readable card of one
training set file; :func:`card_markdown` renders it; :func:`croissant` writes
the Croissant 1.0 JSON-LD by hand (``mlcroissant`` is not a dependency: it
pulls in a large stack; the fields follow the Croissant schema,
http://mlcommons.org/croissant/1.0).
"""

import json
from fractions import Fraction
from pathlib import Path

__all__ = ["CITATION", "LICENSE", "MODEL_CLASS", "claim_of", "card", "card_markdown", "croissant", "write_card"]

LICENSE = "MIT"
CITATION = ("S. Goel, A. Klivans, P. Manurangsi, D. Reichman. Tight Hardness Results for Training Depth-2 ReLU Networks. "
            "ITCS 2021. arXiv:2011.13550")
LOSS_UNIT = ("total weighted square loss L(w) = sum_i c_i (f(x_i) - y_i)^2 on the unscaled data (raw_data/raw_y or "
             "data/y without scale); mean loss = L / sum_i c_i; for normalised variants the mean loss of the stored "
             "(normalised) data is L / Z with Z = meta.normalisation.Z")
#: model class by number of ReLUs in the target
MODEL_CLASS = {
    1: "one ReLU without bias: f(x) = max(0, w . x), w real (the anchor column plays the bias)",
    "k": "sum of k ReLUs with real output weights: f(x) = sum_j a_j max(0, w_j . x)",
}


def _meaning(reduction):
    if reduction.startswith("dks"):
        return ("YES: the graph has a kappa-clique, and min L <= the YES value; "
                "NO: every kappa-set misses >= delta C(kappa,2) edges, and min L >= the NO bound")
    if reduction in ("sat-krelu", "hypergraph-krelu"):
        return "YES: the source is satisfiable / 2-colourable and the data are realizable (min L = 0); NO: min L > 0"
    return ("YES: the 3-CNF is satisfiable and min L = n exactly; "
            "NO: every assignment falsifies >= u clauses and min L >= the NO bound (soundness)")


def claim_of(meta, bounds=None):
    """The public claim of a training set's meta (no witness).

    ``bounds``: the reduction's bounds (``Bounds.to_json()``) evaluated at the
    source's certified value (e.g. a chain at the source's min #falsified),
    when known; default: the bounds the forward map stored in meta.
    """
    b = bounds if bounds is not None else (meta.get("bounds") or {})
    k = int(meta.get("k", 1) or 1)
    src = (meta.get("source") or {}).get("meta") or {}
    u = (b.get("assumptions") or {}).get("min_unsat")
    if u is None:
        u = src.get("min_unsat")
    return {
        "model_class": MODEL_CLASS[1] if k == 1 else MODEL_CLASS["k"].replace("k ReLUs", f"{k} ReLUs"),
        "k": k,
        "yes_value": b.get("completeness_loss"),
        "no_bound": b.get("soundness_bound"),
        "soundness_bound": b.get("soundness_bound"),
        "realizable": b.get("realizable"),
        "min_unsat": u,
        "eps": meta.get("eps"),
        "eps_unit": "additive gap in mean loss on the normalised (unit-ball) data" if meta.get("eps") is not None else None,
        "statement": b.get("statement"),
        "meaning": _meaning(str(meta.get("reduction", ""))),
        "loss_unit": LOSS_UNIT,
        "bounds_source": (b.get("assumptions") or {}).get("source") or (b.get("assumptions") or {}).get("promise"),
    }


def card(npz_path, *, row=None, command=None):
    """The card of one training set file (dict): every field a user needs, nothing secret.

    Parameters
    ----------
    npz_path : path of the public training set
    row : dict or None
        Its suite manifest row (adds answer, tier, certified combinatorial optimum, eps).
    command : str or None
        How it was generated (default: from the row or the meta).
    """
    from reluhard.io.npz import load_training_set
    from reluhard.suite import sha256_file

    X, y, c, meta = load_training_set(npz_path)
    claim = meta.get("claim") or claim_of(meta)
    src = meta.get("source") or {}
    src_meta = src.get("meta") or {}
    total = float(c.sum())
    eps = claim.get("eps")
    out = {
        "name": Path(npz_path).name if row is None else row["id"],
        "file": Path(npz_path).name,
        "sha256": sha256_file(npz_path),
        "reduction": meta.get("reduction"),
        "variant": meta.get("variant"),
        "options": meta.get("options"),
        "model_class": claim["model_class"],
        "loss_unit": claim["loss_unit"],
        "meaning": claim["meaning"],
        "answer": None if row is None else row.get("answer"),
        "certified": {
            "yes_value": claim.get("yes_value"),
            "no_bound": claim.get("no_bound"),
            "soundness_bound": claim.get("soundness_bound"),
            "min_unsat": claim.get("min_unsat"),
            "realizable": claim.get("realizable"),
            "statement": claim.get("statement"),
            "source": claim.get("bounds_source"),
            "combinatorial": None if row is None else row.get("combinatorial"),
        },
        "eps": eps if row is None or row.get("eps") is None else row["eps"],
        "eps_float": (None if eps is None else float(Fraction(eps))) if row is None or row.get("eps_float") is None else row["eps_float"],
        "eps_unit": "mean loss (total loss / total weight) on the training set; normalised variants: on the unit-ball data",
        "sizes": {"n_samples": int(X.shape[0]), "n_features": int(X.shape[1]), "nnz": int(X.nnz), "total_weight": total,
                  "bytes": Path(npz_path).stat().st_size},
        "source": {"kind": src.get("kind"), "sha256": src.get("sha256"), "generator": src_meta.get("generator"),
                   "params": src_meta.get("params"), "seed": src_meta.get("seed"),
                   "statistics": src_meta.get("statistics")},
        "generated_by": command or _command(row, meta),
        "answer_key": "separate file (*.key.json); this file holds no witness",
        "license": LICENSE,
        "citation": CITATION,
        "npz_layout": meta.get("npz_layout"),
    }
    if row is not None:
        out["tier"] = row.get("tier")
        if row.get("eps_float") is not None and src_meta.get("statistics"):
            n = src_meta["statistics"].get("n_vars")
            if n:
                out["eps_times_n"] = row["eps_float"] * n
    return out


def _command(row, meta):
    if row is not None:
        return f"reluhard suite build  (row {row['id']}: family {row.get('family')}, params {json.dumps(row.get('params'), sort_keys=True)}, seed {row.get('seed_used', row.get('seed'))})"
    opts = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in sorted((meta.get("options") or {}).items()) if v is not None)
    return f"reluhard reduce {meta.get('reduction')} SOURCE {opts} -o FILE".replace("  ", " ")


def card_markdown(c):
    """Markdown rendering of a card dict."""
    cert = c["certified"]
    lines = [
        f"# Dataset card: {c['name']}",
        "",
        f"- **Reduction**: `{c['reduction']}` (variant `{c['variant']}`), options `{json.dumps(c['options'], sort_keys=True)}`",
        f"- **Model class**: {c['model_class']}",
        f"- **Loss unit**: {c['loss_unit']}",
        f"- **YES / NO**: {c['meaning']}" + ("" if c.get("answer") is None else f" — this row is **{c['answer'].upper()}**"),
        f"- **Certified**: YES value `{cert['yes_value']}`, NO bound (soundness) `{cert['no_bound']}`, "
        f"min #falsified `{cert['min_unsat']}`, realizable `{cert['realizable']}`",
        f"- **Statement**: {cert['statement']}",
        f"- **Source of the bounds**: {cert['source']}" + ("" if not cert.get("combinatorial") else f"; combinatorial optimum {json.dumps(cert['combinatorial'], sort_keys=True)}"),
        f"- **eps** ({c['eps_unit']}): `{c['eps']}` ≈ {c['eps_float']}" + (f"; eps·n ≈ {c['eps_times_n']:.6g}" if c.get("eps_times_n") else ""),
        f"- **Sizes**: {c['sizes']['n_samples']} samples × {c['sizes']['n_features']} features, {c['sizes']['nnz']} non-zeros, "
        f"total weight {c['sizes']['total_weight']:g}, {c['sizes']['bytes']} bytes",
        f"- **sha256**: `{c['sha256']}`",
        f"- **Source instance**: {c['source']['kind']} sha256 `{c['source']['sha256']}`, generator `{c['source']['generator']}`, seed {c['source']['seed']}",
    ]
    if c["source"].get("statistics"):
        lines.append(f"- **Source statistics** (what a solver could use to tell YES from NO): `{json.dumps(c['source']['statistics'], sort_keys=True)}`")
    lines += [
        f"- **Generated by**: `{c['generated_by']}`",
        f"- **Answer key**: {c['answer_key']}",
        f"- **File layout**: {c['npz_layout']}",
        f"- **License**: {c['license']}",
        f"- **Citation**: {c['citation']}",
        "",
    ]
    return "\n".join(lines)


def croissant(c):
    """Croissant 1.0 JSON-LD for a card (hand-written; see the module docstring)."""
    return {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/", "sc": "https://schema.org/",
                     "dct": "http://purl.org/dc/terms/", "conformsTo": "dct:conformsTo", "recordSet": "cr:recordSet",
                     "field": "cr:field", "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "source": "cr:source",
                     "extract": "cr:extract", "fileObject": "cr:fileObject", "column": "cr:column"},
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": c["name"],
        "description": f"{c['meaning']}. {c['certified']['statement']}. Model class: {c['model_class']}.",
        "license": "https://opensource.org/licenses/MIT",
        "citeAs": c["citation"],
        "url": "https://github.com/reluhard/reluhard",
        "distribution": [{"@type": "cr:FileObject", "@id": c["file"], "name": c["file"], "contentUrl": c["file"],
                          "encodingFormat": "application/x-npz", "sha256": c["sha256"]}],
        "recordSet": [{"@type": "cr:RecordSet", "name": "training_points", "field": [
            {"@type": "cr:Field", "name": "x", "dataType": "sc:Float", "description": "sparse CSR row (data/indices/indptr)",
             "source": {"fileObject": {"@id": c["file"]}, "extract": {"column": "data"}}},
            {"@type": "cr:Field", "name": "y", "dataType": "sc:Float", "source": {"fileObject": {"@id": c["file"]}, "extract": {"column": "y"}}},
            {"@type": "cr:Field", "name": "sample_weight", "dataType": "sc:Float",
             "source": {"fileObject": {"@id": c["file"]}, "extract": {"column": "sample_weight"}}},
        ]}],
    }


def write_card(npz_path, out_stem=None, *, row=None, command=None):
    """Write ``<stem>.card.md``, ``<stem>.card.json`` and ``<stem>.croissant.json``; returns the paths."""
    from reluhard.io import atomic_write

    c = card(npz_path, row=row, command=command)
    p = Path(npz_path)
    stem = Path(out_stem) if out_stem is not None else p.with_name(p.name[:-4] if p.name.endswith(".npz") else p.name)
    paths = [stem.with_name(stem.name + ".card.md"), stem.with_name(stem.name + ".card.json"), stem.with_name(stem.name + ".croissant.json")]
    with atomic_write(paths[0]) as fh:
        fh.write(card_markdown(c))
    with atomic_write(paths[1]) as fh:
        fh.write(json.dumps(c, indent=1, sort_keys=True) + "\n")
    with atomic_write(paths[2]) as fh:
        fh.write(json.dumps(croissant(c), indent=1, sort_keys=True) + "\n")
    return [str(q) for q in paths]
