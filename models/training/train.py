"""Step 2 of every training pipeline: train, evaluate and export one model version.

Reads what the TypeScript exporter wrote (features.f32, rows.tsv, spec.json, optional assets.json),
trains a gradient-boosted tree ensemble on the `train` split, picks verdict thresholds on `val`,
reports metrics on `test` (splits are by site/network, never by row), and writes
models/<name>/<version>/{model.onnx, metadata.json, golden.json[, assets.json]}.

    python models/training/train.py --export models/training/.work/domain --out models/domain/1
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
import skl2onnx
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from skl2onnx import to_onnx

from text_model import asset as text_asset
from text_model import LanguageText, VocabText, fill_text_column, load_text

SEED = 20261127


def load_export(export: Path, ignored: dict | None = None):
    """The export's spec, feature names, rows and features. The columns the spec lists in `ignored_features` are
    zeroed, so every model fitted on them (train.py's, evaluate.py's and fold-screen.py's throw-away ones) never
    splits on them and its output does not depend on them; the served row still computes them. `ignored`, when
    given, receives each such column's real values (train.py writes those into the golden rows, which the server
    checks against the features it computes)."""
    spec = json.loads((export / "spec.json").read_text())
    names = spec["feature_names"]
    X = np.fromfile(export / "features.f32", dtype=np.float32).reshape(-1, len(names))
    for name in spec.get("ignored_features", []):
        if name not in names:
            sys.exit(f"ignored_features: {name} is not one of the export's features")
        j = names.index(name)
        if ignored is not None:
            ignored[j] = X[:, j].copy()
        X[:, j] = 0
    csv.field_size_limit(1 << 30)  # an email row's indicator is the whole message (eml-gz-b64:)
    with open(export / "rows.tsv", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if len(rows) != X.shape[0]:
        sys.exit(f"rows.tsv has {len(rows)} rows but features.f32 has {X.shape[0]}")
    return spec, names, X, rows


def text_fold_groups(rows: list, by: str) -> np.ndarray:
    """The groups of the text model's out-of-fold logits: `site` (a sender or template organisation never on two
    sides) or `source` (each corpus scored by a text model that never saw it, so the trees learn how far the words
    carry to a kind of mail the text model has not read, and lean on the message's structure where they do not)."""
    if by not in ("site", "source"):
        sys.exit(f"text_folds must be site or source, not {by}")
    return np.array([f"source:{r['source']}" if by == "source" else r["site"] for r in rows])


def make_model(params: dict) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(random_state=SEED, early_stopping=False, **params)


def sample_weights(spec: dict, rows: list, y: np.ndarray, idx: np.ndarray, scale=None) -> np.ndarray:
    """Per-row weight from the source's `weight` (default 1), times `scale` (rows standing for others in a
    sample), rescaled so that both classes weigh the same (with no weights this is class_weight="balanced")."""
    per_source = {s["name"]: float(s.get("weight", 1.0)) for s in spec["sources"]}
    w = np.array([per_source.get(rows[i]["source"], 1.0) for i in idx])
    long = spec.get("long_label_weight")
    if long:
        # Benign rows of real sources whose registrable label (first label of the site key) is long weigh more:
        # the only long benign names are a few thousand long-tail sites against tens of thousands of long
        # phishing names, so length alone had come to mean malice (domain card, long-label slice).
        derived = {s["name"] for s in spec["sources"] if s.get("format") == "derived"}
        n, extra = int(long["min_length_exclusive"]), float(long["weight"])
        w = w * np.array([extra if rows[i]["label"] == "0" and rows[i]["source"] not in derived
                          and len(rows[i]["site"].split(".", 1)[0]) > n else 1.0 for i in idx])
    if scale is not None:
        w = w * scale
    yy = y[idx]
    if spec.get("weighting") == "corpus":
        # Within each class, every corpus (spec source `corpus`, default its name) weighs the same in total, so that
        # no single collection (8,000 R-list posts) defines ham; `weight` still ranks sources inside a corpus.
        corpus_of = {s["name"]: s.get("corpus", s["name"]) for s in spec["sources"]}
        corpus = np.array([corpus_of.get(rows[i]["source"], rows[i]["source"]) for i in idx])
        for c in (0, 1):
            names = sorted(set(corpus[yy == c].tolist()))
            for name in names:
                sel = (yy == c) & (corpus == name)
                w[sel] *= 1.0 / (len(names) * w[sel].sum())
    for c in (0, 1):
        total = w[yy == c].sum()
        if total > 0:
            w[yy == c] *= len(idx) / (2 * total)
    return w


def threshold_at_fpr(scores_benign: np.ndarray, fpr: float) -> float:
    """Smallest threshold whose false positive rate on these benign scores is at most `fpr`."""
    if len(scores_benign) == 0:
        return 0.5
    s = np.sort(scores_benign)
    k = int(np.floor(len(s) * (1 - fpr)))
    t = float(s[min(k, len(s) - 1)])
    return float(np.nextafter(np.float32(t), np.float32(1)))


# src/training/threshold.ts SUPPORTED_DEFAULTS: the platform-slice rule, applied per benign source by `supported`.
SUPPORTED_DEFAULTS = {"min_support": 10, "tail_names": 20, "min_names": 200}


def _logit(p: float) -> float:
    q = min(max(float(p), 1e-7), 1 - 1e-7)
    return math.log(q / (1 - q))


def supported_threshold_at_fpr(scores: np.ndarray, fpr: float, min_support=10, tail_names=20, min_names=200) -> tuple:
    """The Python copy of supportedThresholdAtFpr (src/training/threshold.ts; test/training/threshold-supported-global
    checks both on the same scores): the quantile at `fpr` when at least `min_support` names are expected at or above
    it (n * fpr), else an exponential tail in logit space fitted on the top `tail_names` scores over the next one, u:
    logit(t) = u + mean excess * ln(tail_names / (n * fpr)). Returns (threshold or None under `min_names`, rule)."""
    n = len(scores)
    expected = n * fpr
    if n < min_names or n <= tail_names:
        return None, "none"
    if expected >= min_support:
        return threshold_at_fpr(scores, fpr), "empirical"
    z = sorted((_logit(x) for x in scores), reverse=True)
    u = z[tail_names]
    excess = 0.0
    for i in range(tail_names):
        excess += z[i] - u
    t = u + (excess / tail_names) * math.log(tail_names / expected)
    return float(np.nextafter(np.float32(1 / (1 + math.exp(-t))), np.float32(1))), "tail"


def source_fpr(source: str, verdict: str, fpr: float, source_fprs=()) -> float:
    """The FPR a benign source is held to at a verdict: the first `source_fprs` entry whose `match` (a regex on the
    source name) matches gives its own, else the rule's `fpr`."""
    for entry in source_fprs:
        if re.search(entry["match"], source):
            return float(entry[verdict])
    return fpr


def hardest_source_thresholds(p_val, y_val, src_val, fprs: dict, min_rows: int, exclude=(), source_fprs=(),
                              supported=None) -> tuple[dict, dict]:
    """Per verdict, the highest per-benign-source threshold at that FPR (a source's own FPR where `source_fprs` gives
    one), and which source set it. With `supported` (SUPPORTED_DEFAULTS' keys) each source's threshold is
    supported_threshold_at_fpr's instead of the plain quantile, which at 0.25% of 1,314 rows is the 4th name."""
    thresholds, chosen_by = {}, {}
    benign_sources = sorted(set(src_val[y_val == 0].tolist()) - set(exclude))
    for verdict, fpr in fprs.items():
        best, who = -1.0, None
        for s in benign_sources:
            sel = (src_val == s) & (y_val == 0)
            if sel.sum() < min_rows:
                continue
            f = source_fpr(s, verdict, fpr, source_fprs)
            t = threshold_at_fpr(p_val[sel], f) if supported is None else supported_threshold_at_fpr(p_val[sel], f, **supported)[0]
            if t is None:
                continue
            if t > best:
                best, who = t, s
        if who is None:  # no source has enough rows: fall back to the pooled benign validation rows
            best, who = threshold_at_fpr(p_val[y_val == 0], fpr), "pooled"
        thresholds[verdict], chosen_by[verdict] = best, who
    if thresholds["suspicious"] > thresholds["malicious"]:
        thresholds["suspicious"] = thresholds["malicious"]
    return thresholds, chosen_by


def source_cap_weights(src_benign: np.ndarray, cap: float) -> np.ndarray:
    """Per benign validation row, 1, or cap / n for a source with n > cap rows: no source counts as more than `cap`."""
    names, inverse, counts = np.unique(src_benign, return_inverse=True, return_counts=True)
    return np.minimum(1.0, cap / counts)[inverse] if len(names) else np.zeros(0)


def weighted_threshold_at_fpr(scores: np.ndarray, weights: np.ndarray, fpr: float) -> tuple[float, int]:
    """threshold_at_fpr with a weight per row: the smallest threshold whose flagged rows (score >= threshold) weigh
    less than `fpr` of the total (with equal weights, exactly threshold_at_fpr's answer), and the index of the row
    it sits just above (the highest unflagged score), -1 if none."""
    if len(scores) == 0:
        return 0.5, -1
    order = np.argsort(-scores, kind="stable")
    s, cum = scores[order], np.cumsum(weights[order]) / weights.sum()
    block_end = np.r_[s[1:] != s[:-1], True]  # rows with equal scores are flagged together or not at all
    ok = np.flatnonzero(block_end & (cum < fpr * (1 - 1e-9)))
    first_unflagged = int(ok[-1]) + 1 if len(ok) else 0
    if first_unflagged >= len(s):
        return 0.0, -1
    return float(np.nextafter(np.float32(s[first_unflagged]), np.float32(1))), int(order[first_unflagged])


def source_capped_thresholds(p_val, y_val, src_val, fprs: dict, cap: float, exclude=()) -> tuple[dict, dict, dict]:
    """Per verdict, the threshold at that FPR of the validation ham of all benign sources pooled, each source counting
    as at most `cap` rows (a larger source's rows weigh cap / n), so neither the big easy lists nor one small source
    decides. Returns the thresholds, the source of the row each sits just above, and each source's validation rows,
    weight and FPR at them (the rule's inputs, for metadata)."""
    benign = (y_val == 0) & ~np.isin(src_val, list(exclude))
    pb, sb = p_val[benign], src_val[benign]
    w = source_cap_weights(sb, cap)
    thresholds, chosen_by = {}, {}
    for verdict, fpr in fprs.items():
        thresholds[verdict], at = weighted_threshold_at_fpr(pb, w, fpr)
        chosen_by[verdict] = str(sb[at]) if at >= 0 else "pooled"
    if thresholds["suspicious"] > thresholds["malicious"]:
        thresholds["suspicious"] = thresholds["malicious"]
        chosen_by["suspicious"] = chosen_by["malicious"]
    inputs = {}
    for name in sorted(set(sb.tolist())):
        sel = sb == name
        inputs[name] = {"rows": int(sel.sum()), "row_weight": round(float(w[sel][0]), 6),
                        **{f"fpr_at_{v}": round(rate(pb[sel] >= t), 6) for v, t in thresholds.items()}}
    return thresholds, chosen_by, inputs


def supported_options(rule: dict):
    """The supported rule's options of a threshold rule (`supported`: true or SUPPORTED_DEFAULTS' keys), None without."""
    sup = rule.get("supported")
    if not sup:
        return None
    if rule["on"] != "hardest-source":
        sys.exit("threshold_policy supported applies to the hardest-source rule only")
    return {**SUPPORTED_DEFAULTS, **(sup if isinstance(sup, dict) else {})}


def threshold_support(p_val, y_val, src_val, site_val, fprs: dict, chosen_by: dict, rule: dict) -> dict:
    """Per verdict, what stands behind the threshold: the choosing source's validation names n, n * fpr, how the
    supported rule read them (empirical or tail) and the distinct sites among the names its quantile or tail reads."""
    out = {}
    opts = supported_options(rule) or SUPPORTED_DEFAULTS
    for verdict, fpr in fprs.items():
        s = chosen_by[verdict]
        sel = (src_val == s) & (y_val == 0) if s != "pooled" else (y_val == 0)
        f = source_fpr(s, verdict, fpr, rule.get("source_fprs", ()))
        n = int(sel.sum())
        how = supported_threshold_at_fpr(p_val[sel], f, **opts)[1]
        top = max(1, int(math.ceil(n * f))) if how != "tail" else opts["tail_names"] + 1
        order = np.argsort(-p_val[sel], kind="stable")[:top]
        out[verdict] = {"source": s, "names": n, "fpr": f, "expected_names": round(n * f, 2), "rule": how,
                        "names_read": int(len(order)), "sites_among_them": int(len(set(site_val[sel][order].tolist())))}
    return out


def verdict_thresholds(rule: dict, p_val, y_val, src_val, fprs: dict, exclude=()) -> tuple[dict, dict, dict]:
    """The threshold rule named by rule["on"], shared by train.py (the served thresholds) and evaluate.py (every
    throw-away model): `pooled`, `hardest-source` (rule["min_source_rows"]) or `source-capped` (rule["source_cap"]).
    Returns thresholds, which source set each, and the rule's per-source inputs (empty but for source-capped)."""
    on = rule["on"]
    if on == "source-capped":
        return source_capped_thresholds(p_val, y_val, src_val, fprs, float(rule["source_cap"]), exclude)
    if on == "hardest-source":
        return (*hardest_source_thresholds(p_val, y_val, src_val, fprs, int(rule["min_source_rows"]), exclude,
                                           rule.get("source_fprs", ()), supported_options(rule)), {})
    if on == "pooled":
        benign = (y_val == 0) & ~np.isin(src_val, list(exclude))
        return {k: threshold_at_fpr(p_val[benign], f) for k, f in fprs.items()}, {k: "pooled" for k in fprs}, {}
    sys.exit(f"unknown threshold rule {on}")


def rate(mask: np.ndarray) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan")


def evaluate(model, X, y, rows, idx_test, thresholds, prefix=""):
    p = model.predict_proba(X[idx_test])[:, 1]
    yt = y[idx_test]
    m = {f"{prefix}roc_auc": auc(yt, p)}
    for name, t in thresholds.items():
        pred = p >= t
        tp = float((pred & (yt == 1)).sum())
        m[f"{prefix}precision_at_{name}"] = tp / max(float(pred.sum()), 1.0)
        m[f"{prefix}recall_at_{name}"] = tp / max(float((yt == 1).sum()), 1.0)
        m[f"{prefix}fpr_at_{name}"] = rate(pred[yt == 0])
    src = np.array([rows[i]["source"] for i in idx_test])
    benign = yt == 0
    for s in sorted(set(src.tolist())):
        sel = src == s
        if yt[sel].mean() > 0.5:  # a malicious source: AUC against all benign test rows
            m[f"{prefix}roc_auc_{s}"] = auc(np.r_[np.ones(sel.sum()), np.zeros(benign.sum())], np.r_[p[sel], p[benign]])
            m[f"{prefix}recall_at_malicious_{s}"] = rate(p[sel] >= thresholds["malicious"])
        else:
            m[f"{prefix}fpr_at_malicious_{s}"] = rate(p[sel] >= thresholds["malicious"])
    ranks = np.array([int(rows[i]["rank"] or 0) for i in idx_test])
    top = benign & (ranks > 0) & (ranks <= 10000)
    tail = benign & (ranks > 10000)
    if top.any():
        m[f"{prefix}fpr_top10k_at_malicious"] = rate(p[top] >= thresholds["malicious"])
        m[f"{prefix}fpr_top10k_at_suspicious"] = rate(p[top] >= thresholds["suspicious"])
        m[f"{prefix}benign_top10k_rows"] = float(top.sum())
    if tail.any():
        m[f"{prefix}fpr_tail_at_malicious"] = rate(p[tail] >= thresholds["malicious"])
        m[f"{prefix}fpr_tail_at_suspicious"] = rate(p[tail] >= thresholds["suspicious"])
        m[f"{prefix}benign_tail_rows"] = float(tail.sum())
    return m, p


def auc_by_label_group(y: np.ndarray, p: np.ndarray, rows: list, idx_test: np.ndarray) -> dict:
    """Opt-in (spec `auc_by_label_group`): AUC of each malicious `group` against all benign test rows (e.g. spam
    vs ham and phishing vs ham), and of all malicious rows against each benign source (e.g. the hardest ham)."""
    m = {}
    g = np.array([rows[i]["group"] for i in idx_test])
    src = np.array([rows[i]["source"] for i in idx_test])
    mal, ben = y == 1, y == 0
    for grp in sorted(set(g[mal].tolist()) - {""}):
        sel = mal & (g == grp)
        m[f"roc_auc_{grp}_vs_benign"] = auc(np.r_[np.ones(sel.sum()), np.zeros(ben.sum())], np.r_[p[sel], p[ben]])
    for s in sorted(set(src[ben].tolist())):
        sel = ben & (src == s)
        m[f"roc_auc_malicious_vs_{s}"] = auc(np.r_[np.ones(mal.sum()), np.zeros(sel.sum())], np.r_[p[mal], p[sel]])
    return m


def auc_by_group(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> dict:
    """AUC within each group, where a feature that only tells the groups apart (e.g. the era) cannot help."""
    m = {}
    for g in sorted(set(groups.tolist()) - {""}):
        sel = groups == g
        m[f"group_roc_auc_{g}"] = auc(y[sel], p[sel])
    return m


def permutation_importance(model, X: np.ndarray, y: np.ndarray, names: list, top: int, groups) -> list:
    """AUC lost on test when one feature's column is shuffled (seeded); with groups, also the mean within-group loss."""
    rng = np.random.default_rng(SEED)
    base = auc(y, model.predict_proba(X)[:, 1])
    base_g = auc_by_group(y, model.predict_proba(X)[:, 1], groups) if groups is not None else {}
    out = []
    for j, name in enumerate(names):
        Xp = X.copy()
        Xp[:, j] = Xp[rng.permutation(len(Xp)), j]
        p = model.predict_proba(Xp)[:, 1]
        row = {"feature": name, "auc_drop": round(base - auc(y, p), 6)}
        if groups is not None:
            g = auc_by_group(y, p, groups)
            row["within_group_auc_drop"] = round(float(np.mean([base_g[k] - g[k] for k in base_g])), 6)
        out.append(row)
    out.sort(key=lambda r: -max(r["auc_drop"], r.get("within_group_auc_drop", r["auc_drop"])))
    return out[:top]


def resolve_threshold_policy(args, spec: dict) -> None:
    """Command-line threshold options win; then the sources file's `threshold_policy` (a model version's own policy,
    so train.sh and evaluate.py apply the same one without flags); then the historical defaults."""
    policy = spec.get("threshold_policy", {})
    if args.thresholds_on is None:
        args.thresholds_on = policy.get("on", "pooled")
    if args.suspicious_fpr is None:
        args.suspicious_fpr = float(policy.get("suspicious_fpr", 0.02))
    if args.malicious_fpr is None:
        args.malicious_fpr = float(policy.get("malicious_fpr", 0.005))
    if getattr(args, "threshold_source_cap", None) is None:
        args.threshold_source_cap = float(policy.get("source_cap", 200))
    if getattr(args, "min_threshold_rows", None) is None:
        args.min_threshold_rows = int(policy.get("min_source_rows", 200))
    # Sources held to FPRs of their own (hardest-source only): [{"match": regex, "suspicious": f, "malicious": f}].
    args.source_fprs = policy.get("source_fprs", [])
    # Each source's threshold by the supported rule (true, or SUPPORTED_DEFAULTS' keys; hardest-source only).
    args.supported = policy.get("supported")
    if args.source_fprs and args.thresholds_on != "hardest-source":
        sys.exit("threshold_policy source_fprs applies to the hardest-source rule only")


def threshold_rule(args) -> dict:
    """The threshold rule and its inputs as metadata records them (threshold_fprs) and verdict_thresholds reads them."""
    return {"on": args.thresholds_on, "min_source_rows": args.min_threshold_rows,
            **({"source_cap": args.threshold_source_cap} if args.thresholds_on == "source-capped" else {}),
            **({"source_fprs": args.source_fprs} if getattr(args, "source_fprs", None) else {}),
            **({"supported": args.supported} if getattr(args, "supported", None) else {})}


THRESHOLD_RULE_TEXT = {
    "pooled": "",
    "hardest-source": ", of the benign source that needs the highest threshold",
    "source-capped": ", all benign sources pooled with each counting as at most {cap:g} rows (a larger source's rows "
                     "weigh {cap:g}/n), so that neither the large easy sources nor one small source decides",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--max-depth", type=int, default=8)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--malicious-fpr", type=float, help="benign FPR on val that sets the malicious threshold "
                    "(default: the sources file's threshold_policy, else 0.005)")
    ap.add_argument("--suspicious-fpr", type=float, help="benign FPR on val that sets the suspicious threshold "
                    "(default: the sources file's threshold_policy, else 0.02)")
    ap.add_argument("--thresholds-on", choices=("pooled", "hardest-source", "source-capped"),
                    help="pooled: the FPR over all benign validation rows; hardest-source: the highest threshold that keeps "
                         "every benign source (>= 200 validation rows) at that FPR (see evaluate.py); source-capped: the "
                         "FPR over all benign validation rows, each source counting as at most --threshold-source-cap rows; "
                         "default: the sources file's threshold_policy, else pooled")
    ap.add_argument("--threshold-source-cap", type=float,
                    help="with --thresholds-on source-capped: validation rows a benign source counts as at most "
                         "(default: the sources file's threshold_policy source_cap, else 200)")
    ap.add_argument("--min-threshold-rows", type=int, default=None,
                    help="with --thresholds-on hardest-source: validation rows a benign source needs to set a threshold "
                         "(default: the sources file's threshold_policy min_source_rows, else 200)")
    ap.add_argument("--val-scores", type=Path, help="also write the validation rows' scores, labels, sources and sites "
                    "to this .npz (threshold studies; never into the version folder)")
    ap.add_argument("--leave-group-out", action="store_true", help="also train once per group (e.g. DGA family) without it and report AUC on it")
    ap.add_argument("--auc-by-group", action="store_true", help="also report test AUC within each group (e.g. the source year), benign and malicious rows of that group only")
    ap.add_argument("--importance", type=int, default=0, help="record the N features whose permutation on test costs the most AUC (0: skip)")
    args = ap.parse_args()
    # The version is the output folder's name (models/<name>/<version>): refuse a wrong one before training, not after.
    if not args.out.name.isdigit() or int(args.out.name) < 1:
        ap.error(f"--out must end in the version number (models/<name>/<version>), not {args.out.name!r}")

    t0 = time.time()
    ignored: dict = {}
    spec, names, X, rows = load_export(args.export, ignored)
    resolve_threshold_policy(args, spec)
    y = np.array([int(r["label"]) for r in rows], dtype=np.int64)
    split = np.array([r["split"] for r in rows])
    idx = {s: np.flatnonzero(split == s) for s in ("train", "val", "test")}
    params = {"max_iter": args.max_iter, "max_depth": args.max_depth, "learning_rate": args.learning_rate}
    # A model's own training parameters live beside its sources (spec.json carries them over).
    params.update(spec.get("train_params", {}))
    # The text model's own parameter (email/3 on) is not the trees'.
    text_opts = {k: params.pop(k) for k in list(params) if k.startswith("text_")}
    text_c = float(text_opts.get("text_c", 4.0))
    text_intercept = bool(text_opts.get("text_intercept", True))
    text_folds = str(text_opts.get("text_folds", "site"))
    T = load_text(args.export, spec, X.shape[0], rows)
    text_fit = None
    if T is not None:
        col = names.index((spec.get("text_vocab_model") or spec["text_model"])["column"])
        sites = text_fold_groups(rows, text_folds)
        text_fit = fill_text_column(X, col, T, y, idx["train"], sample_weights(spec, rows, y, idx["train"]), sites, text_c,
                                    text_intercept)

    model = make_model(params).fit(X[idx["train"]], y[idx["train"]], sample_weight=sample_weights(spec, rows, y, idx["train"]))
    p_val = model.predict_proba(X[idx["val"]])[:, 1]
    fprs = {"suspicious": args.suspicious_fpr, "malicious": args.malicious_fpr}
    src_val = np.array([rows[i]["source"] for i in idx["val"]])
    rule = threshold_rule(args)
    thresholds, thresholds_set_by, threshold_inputs = verdict_thresholds(rule, p_val, y[idx["val"]], src_val, fprs)
    site_val = np.array([rows[i]["site"] for i in idx["val"]])
    support = threshold_support(p_val, y[idx["val"]], src_val, site_val, fprs, thresholds_set_by, rule)
    one_name = None
    if supported_options(rule):  # the same model's thresholds by the plain quantile (the reference draw of this seed)
        plain = {k: v for k, v in rule.items() if k != "supported"}
        th1, by1, _ = verdict_thresholds(plain, p_val, y[idx["val"]], src_val, fprs)
        one_name = {"thresholds": th1, "set_by": by1,
                    "support": threshold_support(p_val, y[idx["val"]], src_val, site_val, fprs, by1, plain)}
    if args.val_scores:
        np.savez_compressed(args.val_scores, p=p_val, y=y[idx["val"]], src=src_val, site=site_val)
    metrics, p_test = evaluate(model, X, y, rows, idx["test"], thresholds)
    if spec.get("auc_by_label_group"):
        metrics.update(auc_by_label_group(y[idx["test"]], p_test, rows, idx["test"]))

    groups = np.array([r["group"] for r in rows])
    if args.leave_group_out:
        benign_test = idx["test"][y[idx["test"]] == 0]
        per_group = {}
        for g in sorted(set(groups.tolist()) - {""}):
            tr = idx["train"][groups[idx["train"]] != g]
            held = np.flatnonzero(groups == g)  # every row of the family: none of it was trained on
            mg = make_model(params).fit(X[tr], y[tr], sample_weight=sample_weights(spec, rows, y, tr))
            pb = mg.predict_proba(X[benign_test])[:, 1]
            ph = mg.predict_proba(X[held])[:, 1]
            per_group[g] = auc(np.r_[np.ones(len(held)), np.zeros(len(benign_test))], np.r_[ph, pb])
            metrics[f"unseen_group_roc_auc_{g}"] = per_group[g]
        if per_group:
            metrics["unseen_group_roc_auc_min"] = min(per_group.values())
            metrics["unseen_group_roc_auc_mean"] = float(np.mean(list(per_group.values())))

    if args.auc_by_group:
        metrics.update(auc_by_group(y[idx["test"]], p_test, groups[idx["test"]]))
    importance = permutation_importance(model, X[idx["test"]], y[idx["test"]], names, args.importance,
                                        groups[idx["test"]] if args.auc_by_group else None) if args.importance > 0 else None

    onx = to_onnx(model, X[:1], options={"zipmap": False}, target_opset={"": 17, "ai.onnx.ml": 3})
    onx.graph.input[0].name  # noqa: B018 (documented: the input is named by skl2onnx)
    args.out.mkdir(parents=True, exist_ok=True)
    model_bytes = onx.SerializeToString()
    (args.out / "model.onnx").write_bytes(model_bytes)
    if (args.export / "assets.json").exists():
        shutil.copyfile(args.export / "assets.json", args.out / "assets.json")
    if isinstance(T, VocabText):
        (args.out / "assets.json").write_text(json.dumps({"text_vocab_model": T.asset(text_fit)}, ensure_ascii=False) + "\n")
    elif text_fit is not None:
        (args.out / "assets.json").write_text(json.dumps({"text_model": text_asset(*text_fit)}) + "\n")

    # Golden outputs: a fixed, stratified sample of test rows with scikit-learn's probabilities, which the
    # Node parity test and the reload canary check reproduce from the indicator strings.
    for j, real in ignored.items():
        X[:, j] = real  # the model never split on these columns; the golden rows hold what the server computes
    rng = np.random.default_rng(SEED)
    test = idx["test"]
    pick = np.r_[rng.choice(test[y[test] == 1], size=min(32, int((y[test] == 1).sum())), replace=False),
                 rng.choice(test[y[test] == 0], size=min(32, int((y[test] == 0).sum())), replace=False)]
    golden = [
        {"indicator": rows[i]["indicator"], "features": [float(v) for v in X[i]],
         "probability": float(model.predict_proba(X[i:i + 1])[0, 1]),
         # Inputs besides the indicator that the features depend on (an IP's ASN and country from a
         # replaceable database), so the golden check does not depend on today's database.
         **({"context": json.loads(rows[i]["context"])} if rows[i].get("context") else {})}
        for i in sorted(pick.tolist())
    ]
    (args.out / "golden.json").write_text(json.dumps({"features_version": spec["features_version"], "rows": golden}, indent=1) + "\n")

    counts = defaultdict(int)
    for r in rows:
        counts[r["source"]] += 1
    trained_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    metadata = {
        "name": spec["model"],
        "version": int(args.out.name),
        "features_version": spec["features_version"],
        "feature_names": names,
        **({"ignored_features": {"names": spec["ignored_features"],
                                 "how": "zeroed in every row the trees were fitted on: the model never splits on them, "
                                        "its output does not depend on them; the served row still computes them"}}
           if spec.get("ignored_features") else {}),
        "input": {"name": onx.graph.input[0].name, "shape": [None, len(names)], "dtype": "float32"},
        "output": {"name": "probabilities", "positive_class_index": 1},
        "algorithm": "HistGradientBoostingClassifier",
        "params": {**params, "class_weight": "balanced via sample_weight", "random_state": SEED},
        **({"text_vocab_model": {"column": spec["text_vocab_model"]["column"], "vocabulary": int(len(text_fit[0])),
                                 "algorithm": "LogisticRegression (liblinear, L2) on words and word pairs of a vocabulary",
                                 "C": text_c, "min_df": T.min_df, "min_corpora": T.min_corpora, "intercept": T.intercept,
                                 "corpus": spec["text_vocab_model"]["corpus"],
                                 "out_of_fold": "5 folds by site on the train split (the trees' training rows), "
                                                "each fold choosing its own vocabulary",
                                 "asset": "assets.json text_vocab_model"}} if isinstance(T, VocabText) else
           {"text_model": {"column": spec["text_model"]["column"], "buckets": spec["text_model"]["buckets"],
                           "algorithm": "LogisticRegression (liblinear, L2) on hashed words and word pairs",
                           "C": text_c, "intercept": text_intercept,
                           "out_of_fold": f"5 folds by {text_folds} on the train split (the trees' training rows)",
                           **({"language_bias": {
                               "how": "one training-only column per language (text_lang.txt); served bias = fitted bias "
                                      "+ the language columns' mean weight over the training rows",
                               "language_weight_minus_mean": T.last_language_weights}}
                              if isinstance(T, LanguageText) else {}),
                           "asset": "assets.json text_model"}} if text_fit is not None else {}),
        "source_weights": {s["name"]: s.get("weight", 1.0) for s in spec["sources"]},
        **({"validation_sites_from": {**spec["validation_sites_from"], "how": "these training sites of the source (all "
            "their rows) moved to validation at export, before folds and assets (src/training/split.ts)"}}
           if spec.get("validation_sites_from") else {}),
        **({"weighting": "corpus: within each class every corpus weighs the same in total",
            "corpus": {s["name"]: s.get("corpus", s["name"]) for s in spec["sources"]}}
           if spec.get("weighting") == "corpus" else {}),
        **({"long_label_weight": {**spec["long_label_weight"], "applies_to": "benign rows of real (not derived) sources "
                                  "whose registrable label is longer than min_length_exclusive characters"}}
           if spec.get("long_label_weight") else {}),
        "thresholds": thresholds,
        "threshold_policy": f"suspicious at {args.suspicious_fpr:.2%} and malicious at {args.malicious_fpr:.2%} benign FPR on the validation split"
                            + THRESHOLD_RULE_TEXT[args.thresholds_on].format(cap=args.threshold_source_cap)
                            + "".join(f"; sources matching /{e['match']}/ at {float(e['suspicious']):.2%} and "
                                      f"{float(e['malicious']):.2%}" for e in args.source_fprs)
                            + ("; each source's threshold by the supported rule (src/training/threshold.ts): the quantile "
                               "when at least 10 of its validation names are expected at or above it, otherwise an "
                               "exponential tail in logit space fitted on its top 20 names over the next"
                               if args.supported else ""),
        "thresholds_set_by": thresholds_set_by,
        "threshold_support": support,
        **({"thresholds_one_name": one_name} if one_name else {}),
        "threshold_fprs": {**rule, **fprs},
        **({"threshold_validation_sources": threshold_inputs} if threshold_inputs else {}),
        "split": "hash of site key: 70% train, 10% validation (thresholds), 20% test (metrics); no site on two sides",
        "rows": {s: int(len(v)) for s, v in idx.items()},
        "training_data": [
            {"name": s["name"], "license": s["license"], "label": s["label"], "rows": counts.get(s["name"], 0), "origin": s["origin"]}
            for s in spec["sources"]
        ],
        "metrics": {k: (round(v, 6) if v == v else None) for k, v in metrics.items()},
        **({"feature_importance": importance} if importance is not None else {}),
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "trained_at": trained_at,
        "sample_cap": spec.get("sample_cap"),
        "libraries": {"scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__,
                      "numpy": np.__version__},
    }
    (args.out / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    print(json.dumps({"thresholds": thresholds, "metrics": metadata["metrics"], **({"feature_importance": importance} if importance is not None else {}), "seconds": round(time.time() - t0, 1)}, indent=1))


if __name__ == "__main__":
    main()
