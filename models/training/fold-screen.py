#!/usr/bin/env python3
"""Screens a training recipe on the organisation folds of a sources file (`folds`, e.g.
email-4-sources.json) from one export, at the message model's level (no embedded indicators):
per fold, a throw-away model trained without the fold's held-out sources (evaluate.py's Evaluator:
text model refitted on the fold's training rows, thresholds by the given rule on its validation rows),
its held-out sources scored whole and the other sources' test split. Minutes per recipe, where the
served check (eval-served.ts on a trained fold) takes a quarter of an hour; the served check decides.

    python3 models/training/fold-screen.py --export WORK --sources-file models/training/email-4-sources.json \
        [--train-param text_c=1] [--weight ghost=8] [--thresholds-on source-capped --threshold-source-cap 200] \
        [--later 2024-01-01] [--out result.json]

Pooled: each held-out row once (from the fold that held it out) plus the other benign sources' test
rows (each fold's figures, averaged).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import Evaluator  # noqa: E402
from text_model import load_text  # noqa: E402
from train import load_export  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--sources-file", required=True, type=Path)
    ap.add_argument("--train-param", action="append", default=[], metavar="KEY=JSON")
    ap.add_argument("--weight", action="append", default=[], metavar="SOURCE=W", help="a source's weight instead of the export's")
    ap.add_argument("--thresholds-on", default="source-capped", choices=("hardest-source", "source-capped"))
    ap.add_argument("--threshold-source-cap", type=float, default=200)
    ap.add_argument("--min-threshold-rows", type=int, default=100)
    ap.add_argument("--policy", action="append", default=[], metavar="NAME=SUSPICIOUS_FPR,MALICIOUS_FPR",
                    help="also the held-out rates at thresholds for these validation FPRs (same models)")
    ap.add_argument("--later", help="yyyy-mm-dd: also the later-in-time run of evaluate.py (all sources)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    folds = json.loads(args.sources_file.read_text())["folds"]
    spec, names, X, rows = load_export(args.export)
    for kv in args.weight:
        k, v = kv.split("=", 1)
        for s in spec["sources"]:
            if s["name"] == k:
                s["weight"] = float(v)
    params = {"max_iter": 200, "max_depth": 8, "learning_rate": 0.1, **spec.get("train_params", {})}
    for kv in args.train_param:
        k, v = kv.split("=", 1)
        params[k] = json.loads(v)
    rule = {"on": args.thresholds_on, "min_source_rows": args.min_threshold_rows,
            **({"source_cap": args.threshold_source_cap} if args.thresholds_on == "source-capped" else {})}
    fprs = {"suspicious": 0.02, "malicious": 0.005}
    policies = {n: dict(zip(("suspicious", "malicious"), map(float, v.split(",")))) for n, v in (p.split("=", 1) for p in args.policy)}
    ev = Evaluator(spec, X, rows, params, fprs, rule, None, "all", load_text(args.export, spec, X.shape[0], rows),
                   policies=policies)
    named = {s for f in folds.values() for k in ("train", "evaluate") for s in f[k]}
    out = {"command": " ".join(["python3", *sys.argv]), "params": params, "weights": {s["name"]: s.get("weight", 1.0) for s in spec["sources"]}, "rule": rule, "folds": {}}
    held_hits, base = {"suspicious": 0, "malicious": 0, "rows": 0}, {}
    policy_hits = {n: {"suspicious": 0, "malicious": 0} for n in policies}
    for n, f in folds.items():
        gone = np.isin(ev.src, sorted(named - set(f["train"])))
        held = np.isin(ev.src, f["evaluate"])
        res = ev.run((ev.split == "train") & ~gone, (ev.split == "val") & ~gone, ((ev.split == "test") & ~gone) | held)
        out["folds"][n] = res
        for s, fig in res["sources"].items():
            if fig["label"] != "benign":
                continue
            if s in f["evaluate"]:
                held_hits["rows"] += fig["rows"]
                for v in ("suspicious", "malicious"):
                    held_hits[v] += round(fig[f"fpr_at_{v}"] * fig["rows"])
                    for pn, pol in res.get("policies", {}).items():
                        pf = pol["sources"][s]
                        policy_hits[pn][v] += round(pf.get(f"fpr_at_{v}", pf.get(f"rate_at_{v}", 0)) * fig["rows"])
            elif s not in named:
                base.setdefault(s, []).append(fig)
        print(f"fold {n}: thresholds {res['thresholds']} by {res['thresholds_set_by']}", file=sys.stderr)
        for s, fig in sorted(res["sources"].items()):
            keys = ("fpr_at_suspicious", "fpr_at_malicious") if fig["label"] == "benign" else ("roc_auc_vs_benign",)
            print(f"  {s}{' (held out)' if s in f['evaluate'] else ''}: rows {fig['rows']} "
                  + " ".join(f"{k} {fig.get(k)}" for k in keys), file=sys.stderr)
    pooled = dict(held_hits)
    for s, figs in base.items():
        r = figs[0]["rows"]
        pooled["rows"] += r
        for v in ("suspicious", "malicious"):
            pooled[v] += np.mean([x[f"fpr_at_{v}"] for x in figs]) * r
    out["pooled_benign"] = {"rows": pooled["rows"],
                            "fpr_at_suspicious": round(pooled["suspicious"] / pooled["rows"], 5),
                            "fpr_at_malicious": round(pooled["malicious"] / pooled["rows"], 5),
                            "held_out_rows": held_hits["rows"],
                            "held_out_fpr_at_suspicious": round(held_hits["suspicious"] / held_hits["rows"], 5),
                            "held_out_fpr_at_malicious": round(held_hits["malicious"] / held_hits["rows"], 5)}
    print(f"pooled benign: {json.dumps(out['pooled_benign'])}", file=sys.stderr)
    for pn, h in policy_hits.items():
        out["pooled_benign"][f"policy_{pn}"] = {v: round(h[v] / held_hits["rows"], 5) for v in h}
        print(f"policy {pn} {policies[pn]}: held-out rate at suspicious {h['suspicious'] / held_hits['rows']:.4f}, "
              f"malicious {h['malicious'] / held_hits['rows']:.4f}; thresholds "
              + " ".join(str(out['folds'][n]['policies'][pn]['thresholds']) for n in folds), file=sys.stderr)
    if args.later:
        lt = ev.later_in_time(args.later)
        mal = [f["roc_auc_vs_benign"] for f in lt["sources"].values() if f["label"] == "malicious"]
        out["later_in_time"] = lt
        out["macro_roc_auc_later_in_time"] = round(float(np.mean(mal)), 6)
        print(f"later in time: macro {out['macro_roc_auc_later_in_time']} "
              + " ".join(f"{s} {f['roc_auc_vs_benign']}" for s, f in lt["sources"].items() if f["label"] == "malicious"),
              file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
