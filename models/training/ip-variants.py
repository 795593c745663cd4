"""Feature ideas for the IP model measured with its honest evaluation before any serving code is written.

ip-evaluate.sh exports one feature matrix per evaluation (the main split, one per left-out source with
counts built without it, the time split). This script takes such a work folder, adds or removes columns
(a "variant") and runs the same protocol as evaluate.py: leave one source out (counts and model without
it, its held-out /24s scored, thresholds from the hardest remaining benign source), later in time (the
time export), and in distribution. Per source and label, never mixed: AUC and detection of a malicious
source, false positives of a benign one.

    models/training/ip-evaluate.sh 2 ...            # or WORK=DIR FEATURES=ip/2 ..., to make the exports
    python models/training/ip-variants.py --work models/training/.work/ip-eval --variant asn_size \
        --out models/training/results/ip-variants.json

Variants (columns computed here from rows.tsv with the exclusions of export-ip.ts: counts from the export's
train split without the left-out source, a training row's own fold subtracted):
- base: the export's columns unchanged (reproduces ip-evaluate.sh's numbers exactly).
- shrink: hierarchical empirical-Bayes log-odds, ASN -> /16 -> /20 -> /24, each level shrunk to the one
  above with prior strength 5 (class-balanced counts), instead of raw counts per level.
- no_asn_benign: without asn_benign_log1p and asn_log_odds ("a popular site in Amazon vouches for Amazon"
  is the artefact suspected); no_asn_benign_country: also without country_log_odds.
- delta: the local record against the network's (prefix minus ASN log-odds, /24 minus /16, the /16's share of
  the ASN's benign and malicious counts): trees cannot take differences of two columns themselves.
- asn_size: log2 of the addresses the ASN announces (the bundled @ip-location-db/asn IPv4 table).
- monotonic: the base columns with monotonic constraints (more malicious evidence never lowers a score,
  more benign evidence never raises it).
- no_cdn_edge: on ip/3 exports, ip/3 without its cdn_edge column, i.e. ip/2: the paired baseline of --bootstrap.
Variants combine with "+" (delta+asn_size).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import ipaddress
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from evaluate import source_figures
from train import hardest_source_thresholds, load_export, make_model, sample_weights

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = ["c2_tracker", "ipsum_2plus", "tranco_cdn_fronted", "tranco_self_hosted"]
DROPS = {
    "no_asn_benign": ["asn_benign_log1p", "asn_log_odds"],
    "no_asn_benign_country": ["asn_benign_log1p", "asn_log_odds", "country_log_odds"],
    # ip/3 without its one added column is ip/2 (same counts): the paired baseline inside an ip/3 work folder.
    "no_cdn_edge": ["cdn_edge"],
}


def fold(address: str, k: int = 5) -> int:
    """export-ip.ts foldOf(address, 5): the out-of-fold share a training row does not see of itself."""
    u = int.from_bytes(hashlib.sha1(f"fold:{address}".encode()).digest()[:4], "big") / 2**32
    return min(k - 1, int(u * k))


def level_keys(address: str, asn: int) -> list:
    ip = ipaddress.ip_address(address)
    n = int(ip)
    shifts = (16, 12, 8) if ip.version == 4 else (96, 88, 80)  # IPv6: /32, /40, /48 stand in for /16, /20, /24
    return [f"a{asn}" if asn else None, *(f"{ip.version}/{lv}/{n >> sh}" for lv, sh in enumerate(shifts))]


def shrink_columns(rows, y, counted: np.ndarray, strength: float = 5.0) -> np.ndarray:
    keys = [level_keys(r["indicator"], json.loads(r["context"])["asn"]) for r in rows]
    folds = [fold(r["indicator"]) for r in rows]
    total, own = Counter(), Counter()
    for i in np.flatnonzero(counted):
        for lv, k in enumerate(keys[i]):
            if k is not None:
                c = 0 if y[i] else 1
                total[(lv, k, c)] += 1
                own[(folds[i], lv, k, c)] += 1
    balance = y[counted].sum() / max(1, (1 - y[counted]).sum())
    out = np.zeros((len(rows), 4), dtype=np.float32)
    for i in range(len(rows)):
        prior = 0.5
        for lv, k in enumerate(keys[i]):
            m = b = 0
            if k is not None:
                m, b = total[(lv, k, 0)], total[(lv, k, 1)]
                if counted[i]:
                    m, b = m - own[(folds[i], lv, k, 0)], b - own[(folds[i], lv, k, 1)]
            est = (m + strength * prior) / (m + balance * b + strength)
            out[i, lv] = math.log(est / (1 - est))
            prior = est
    return out


def asn_sizes() -> dict:
    sizes = Counter()
    with open(ROOT / "node_modules/@ip-location-db/asn/asn-ipv4-num.csv", newline="") as f:
        for start, end, asn, _ in csv.reader(f):
            sizes[int(asn)] += int(end) - int(start) + 1
    return sizes


def with_variant(export: Path, variant: str, without: str | None):
    spec, names, X, rows = load_export(export)
    y = np.array([int(r["label"]) for r in rows])
    src = np.array([r["source"] for r in rows])
    split = np.array([r["split"] for r in rows])
    names = list(names)
    col = {n: j for j, n in enumerate(names)}
    add, extra_names = [], []
    for part in variant.split("+"):
        if part in ("base", "monotonic"):
            continue
        if part in DROPS:
            keep = [j for j, n in enumerate(names) if n not in DROPS[part]]
            X, names = X[:, keep], [names[j] for j in keep]
            col = {n: j for j, n in enumerate(names)}
        elif part == "shrink":
            add.append(shrink_columns(rows, y, (split == "train") & (src != (without or ""))))
            extra_names += ["shrunk_asn", "shrunk_p16", "shrunk_p20", "shrunk_p24"]
        elif part == "delta":
            c = lambda n: X[:, col[n]].astype(np.float64)
            share = lambda a, b: np.where(c(b) > 0, np.expm1(c(a)) / np.maximum(np.expm1(c(b)), 1), -1)
            add.append(np.stack([c("prefix_log_odds") - c("asn_log_odds"), c("net24_log_odds") - c("prefix_log_odds"),
                                 share("prefix_benign_log1p", "asn_benign_log1p"),
                                 share("prefix_malicious_log1p", "asn_malicious_log1p")], axis=1).astype(np.float32))
            extra_names += ["prefix_minus_asn_log_odds", "net24_minus_prefix_log_odds", "prefix_share_of_asn_benign",
                            "prefix_share_of_asn_malicious"]
        elif part == "asn_size":
            sizes = SIZES.setdefault("v4", asn_sizes())
            a = [json.loads(r["context"])["asn"] for r in rows]
            add.append(np.array([[math.log2(sizes[x]) if sizes.get(x) else -1.0] for x in a], dtype=np.float32))
            extra_names.append("asn_size_log2")
        else:
            sys.exit(f"unknown variant part {part}")
    if add:
        X = np.hstack([X, *add])
    return spec, names + extra_names, X, rows, y, src, split


SIZES: dict = {}
SCORES: dict = {}
WHERE, WHERE_OUT = False, {}


def permutation(model, X, y, held, names, top: int = 6) -> dict:
    """AUC of the left-out source against the other label's test rows lost when one column is shuffled: what the
    model trained without the source leans on for it (negative: the column misleads on this source)."""
    from sklearn.metrics import roc_auc_score
    sel = held | (y != y[held][0])
    Xs, ys = X[sel], y[sel]
    base = roc_auc_score(ys, model.predict_proba(Xs)[:, 1])
    rng = np.random.default_rng(0)
    lost = {}
    for j, n in enumerate(names):
        Z = Xs.copy()
        Z[:, j] = rng.permutation(Z[:, j])
        lost[n] = round(float(base - roc_auc_score(ys, model.predict_proba(Z)[:, 1])), 4)
    ranked = sorted(lost.items(), key=lambda kv: -kv[1])
    return {"most": dict(ranked[:top]), "least": dict(ranked[-3:])}


def where_lost(pt, yt, st, source: str, test_rows: list, top: int = 12) -> dict | None:
    """Where a left-out malicious source loses AUC: per held-out row, the share of benign test rows scoring at or
    above it (AUC = 1 - its mean); summed per ASN, as AUC points lost, biggest first."""
    held = np.flatnonzero(st == source)
    if not len(held) or yt[held[0]] != 1:
        return None
    benign = np.sort(pt[yt == 0])
    loss = 1 - np.searchsorted(benign, pt[held], side="left") / len(benign)
    by: dict = {}
    for k, i in enumerate(held):
        c = json.loads(test_rows[i]["context"])
        key = f"AS{c['asn']} {c['as_organization']}"
        n, lost = by.get(key, (0, 0.0))
        by[key] = (n + 1, lost + float(loss[k]))
    worst = sorted(by.items(), key=lambda kv: -kv[1][1])[:top]
    return {"auc": round(1 - float(loss.mean()), 4),
            "asns_losing_most": [{"asn": k, "rows": n, "auc_within": round(1 - lost / n, 3),
                                  "auc_points_lost": round(lost / len(held), 4)} for k, (n, lost) in worst]}


def weighted_auc(y, p, w) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y, p, sample_weight=w))


def paired_bootstrap(base: str, variant: str, rounds: int = 200) -> dict:
    """AUC(variant) - AUC(base) per left-out malicious source, resampling /24s (the split unit: neighbours share
    labels, so resampling rows would understate the spread); the same resample for both, rows being the same."""
    out = {}
    rng = np.random.default_rng(0)
    for s in LEFT_OUT[:2]:
        pb, yt, st, site = SCORES[(base, (s,))]
        pv = SCORES[(variant, (s,))][0]
        keep = (st == s) | (yt == 0)
        pb, pv, yk, sk = pb[keep], pv[keep], yt[keep], site[keep]
        sites, inverse = np.unique(sk, return_inverse=True)
        diffs = []
        for _ in range(rounds):
            w = np.bincount(rng.integers(0, len(sites), len(sites)), minlength=len(sites))[inverse].astype(float)
            diffs.append(weighted_auc(yk, pv, w) - weighted_auc(yk, pb, w))
        lo, hi = np.percentile(diffs, [2.5, 97.5])
        out[s] = {"auc_difference": round(weighted_auc(yk, pv, None) - weighted_auc(yk, pb, None), 4),
                  "ci95_by_24": [round(float(lo), 4), round(float(hi), 4)], "rounds": rounds}
    return out


def run(variant, spec, names, X, rows, y, src, train, val, test, exclude=()):
    params = {"max_iter": ITER, "max_depth": 8, "learning_rate": 0.1}
    if "monotonic" in variant.split("+"):
        params["monotonic_cst"] = [1 if n.endswith(("malicious_log1p", "log_odds")) else -1 if n.endswith("benign_log1p")
                                   else 0 for n in names]
    idx = np.flatnonzero(train)
    model = make_model(params).fit(X[idx], y[idx], sample_weight=sample_weights(spec, rows, y, idx))
    th, by = hardest_source_thresholds(model.predict_proba(X[val])[:, 1], y[val], src[val], FPRS, 200, exclude)
    pt = model.predict_proba(X[test])[:, 1]
    yt, st = y[test], src[test]
    figures = source_figures(pt, yt, st, sorted(set(st.tolist())), pt[yt == 0], pt[yt == 1], th)
    SCORES[(variant, tuple(exclude))] = (pt, yt, st, np.array([r["site"] for r in rows])[test])
    if exclude and WHERE:
        where = where_lost(pt, yt, st, exclude[0], [rows[i] for i in np.flatnonzero(test)])
        WHERE_OUT[exclude[0]] = {**(where or {}), "permutation_importance": permutation(model, X[test], yt, st == exclude[0], names)}
    return {"thresholds": {k: round(v, 6) for k, v in th.items()}, "thresholds_set_by": by, "sources": figures}


def evaluate_variant(work: Path, variant: str) -> dict:
    t0 = time.time()
    out = {"variant": variant, "work": str(work), "leave_one_source_out": {}}
    for s in LEFT_OUT:
        spec, names, X, rows, y, src, split = with_variant(work / f"without-{s}", variant, s)
        gone = src == s
        res = run(variant, spec, names, X, rows, y, src, (split == "train") & ~gone, (split == "val") & ~gone,
                  split == "test", (s,))
        out["leave_one_source_out"][s] = {**res["sources"][s], "thresholds": res["thresholds"],
                                          "thresholds_set_by": res["thresholds_set_by"]}
        print(f"  {variant} without {s}: {json.dumps(res['sources'][s])}", file=sys.stderr)
    spec, names, X, rows, y, src, split = with_variant(work / "time", variant, None)
    out["later_in_time"] = run(variant, spec, names, X, rows, y, src, split == "train", split == "val", split == "test")
    spec, names, X, rows, y, src, split = with_variant(work / "main", variant, None)
    out["in_distribution"] = run(variant, spec, names, X, rows, y, src, split == "train", split == "val", split == "test")
    out["feature_names"] = names
    if WHERE_OUT:
        out["where_left_out_sources_lose"] = dict(WHERE_OUT)
        WHERE_OUT.clear()
    loso = out["leave_one_source_out"]
    benign = lambda figs: {s: [f["fpr_at_suspicious"], f["fpr_at_malicious"]] for s, f in figs.items() if f["label"] == "benign"}
    later = [f["roc_auc_vs_benign"] for f in out["later_in_time"]["sources"].values() if f["label"] == "malicious"]
    out["summary"] = {
        "left_out_auc": {s: loso[s]["roc_auc_vs_benign"] for s in LEFT_OUT[:2]},
        "macro_roc_auc_left_out": round(float(np.mean([loso[s]["roc_auc_vs_benign"] for s in LEFT_OUT[:2]])), 4),
        "left_out_benign_fpr_suspicious_malicious": benign({s: loso[s] for s in LEFT_OUT[2:]}),
        "macro_roc_auc_later_in_time": round(float(np.mean(later)), 4),
        "later_in_time_benign_fpr_suspicious_malicious": benign(out["later_in_time"]["sources"]),
        "in_distribution_benign_fpr_suspicious_malicious": benign(out["in_distribution"]["sources"]),
    }
    out["seconds"] = round(time.time() - t0, 1)
    return out


def main() -> None:
    global ITER, FPRS, WHERE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, type=Path, help="an ip-evaluate.sh work folder (main/, without-*/, time/)")
    ap.add_argument("--variant", action="append", required=True)
    ap.add_argument("--max-iter", type=int, default=50)
    ap.add_argument("--suspicious-fpr", type=float, default=0.02)
    ap.add_argument("--malicious-fpr", type=float, default=0.0025)
    ap.add_argument("--where", action="store_true",
                    help="also report, per left-out source, the columns its model leans on for it (permutation) and, "
                         "for a malicious source, the ASNs where its AUC is lost")
    ap.add_argument("--bootstrap", action="store_true",
                    help="also a paired bootstrap (by /24) of each variant's left-out AUCs against the first variant's")
    ap.add_argument("--out", type=Path, help="merge the results into this JSON file (one key per work folder and variant)")
    args = ap.parse_args()
    WHERE = args.where
    ITER, FPRS = args.max_iter, {"suspicious": args.suspicious_fpr, "malicious": args.malicious_fpr}
    features = json.loads((args.work / "main" / "spec.json").read_text())["features_version"]
    results = json.loads(args.out.read_text()) if args.out and args.out.exists() else {}
    if args.bootstrap and len(args.variant) < 2:
        sys.exit("--bootstrap compares every variant with the first: give two or more")
    for v in args.variant:
        r = evaluate_variant(args.work, v)
        r["command"] = " ".join(["python", "models/training/ip-variants.py", "--work", "WORK", "--variant", v,
                                 "--max-iter", str(ITER), "--malicious-fpr", str(FPRS["malicious"])])
        if args.bootstrap and v != args.variant[0]:
            r["summary"][f"paired_bootstrap_vs_{args.variant[0]}"] = paired_bootstrap(args.variant[0], v)
        print(json.dumps({f"{features} {v}": r["summary"]}))
        if args.out:
            results[f"{features} {v}"] = r
            args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


ITER, FPRS = 50, {}

if __name__ == "__main__":
    main()
