"""How much a threshold rule moves with the validation ham it reads (models/email/README.md, rule `source-capped`).

For each export: the model train.py would train (same code, same seed), its validation scores, and per rule
(train.py's verdict_thresholds) the thresholds, then a site bootstrap one benign source at a time (that source's
validation sites drawn with replacement, every other source as it is) and the standard deviation of the
thresholds' logits; the worst source is what one small source can do to the thresholds. Across exports (models
that differ by one change), the range of each threshold's logit.

    python models/training/threshold-stability.py --export A=DIR --export B=DIR \
        --rule hardest-source:100 --rule source-capped:200 --out models/training/results/x.json
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from text_model import fill_text_column, load_text
from train import load_export, make_model, sample_weights, text_fold_groups, verdict_thresholds


def validation_scores(export: Path) -> dict:
    spec, names, X, rows = load_export(export)
    y = np.array([int(r["label"]) for r in rows], dtype=np.int64)
    split = np.array([r["split"] for r in rows])
    train, val = np.flatnonzero(split == "train"), np.flatnonzero(split == "val")
    params = {"max_iter": 200, "max_depth": 8, "learning_rate": 0.1, **spec.get("train_params", {})}
    text = {k: params.pop(k) for k in list(params) if k.startswith("text_")}
    T = load_text(export, spec, X.shape[0], rows)
    if T is not None:
        col = names.index((spec.get("text_vocab_model") or spec["text_model"])["column"])
        fill_text_column(X, col, T, y, train, sample_weights(spec, rows, y, train),
                         text_fold_groups(rows, str(text.get("text_folds", "site"))), float(text.get("text_c", 4.0)),
                         bool(text.get("text_intercept", True)))
    model = make_model(params).fit(X[train], y[train], sample_weight=sample_weights(spec, rows, y, train))
    return {"p": model.predict_proba(X[val])[:, 1], "y": y[val], "src": np.array([rows[i]["source"] for i in val]),
            "site": np.array([rows[i]["site"] for i in val])}


def parse_rule(text: str) -> dict:
    on, _, n = text.partition(":")
    if on == "hardest-source":
        return {"on": on, "min_source_rows": int(n or 100)}
    if on == "source-capped":
        return {"on": on, "source_cap": float(n or 200)}
    return {"on": on}


def logit(t: float) -> float:
    t = min(max(t, 1e-4), 1 - 1e-4)
    return math.log(t / (1 - t))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", action="append", required=True, metavar="NAME=DIR")
    ap.add_argument("--rule", action="append", required=True, metavar="RULE[:N]")
    ap.add_argument("--draws", type=int, default=60)
    ap.add_argument("--suspicious-fpr", type=float, default=0.02)
    ap.add_argument("--malicious-fpr", type=float, default=0.005)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    fprs = {"suspicious": args.suspicious_fpr, "malicious": args.malicious_fpr}
    scores = {name: validation_scores(Path(d)) for name, d in (e.split("=", 1) for e in args.export)}
    result = {"fprs": fprs, "draws": args.draws, "rules": {}}
    for text in args.rule:
        rule = parse_rule(text)
        per_export = {}
        for name, d in scores.items():
            th, by, _ = verdict_thresholds(rule, d["p"], d["y"], d["src"], fprs)
            sd = {}
            for source in sorted(set(d["src"][d["y"] == 0].tolist())):
                rng = np.random.default_rng(1)
                draws = []
                for _ in range(args.draws):
                    keep = [np.flatnonzero((d["y"] == 1) | (d["src"] != source))]
                    sel = np.flatnonzero((d["y"] == 0) & (d["src"] == source))
                    sites = np.unique(d["site"][sel])
                    keep += [sel[d["site"][sel] == s] for s in rng.choice(sites, len(sites))]
                    i = np.concatenate(keep)
                    draws.append(verdict_thresholds(rule, d["p"][i], d["y"][i], d["src"][i], fprs)[0])
                sd[source] = {v: round(float(np.std([logit(t[v]) for t in draws])), 3) for v in fprs}
            worst = {v: max(sd.items(), key=lambda kv: kv[1][v]) for v in fprs}
            per_export[name] = {"thresholds": {k: round(v, 6) for k, v in th.items()}, "set_by": by,
                                "bootstrap_logit_sd_by_source": sd,
                                "worst_source": {v: {"source": s, "logit_sd": f[v]} for v, (s, f) in worst.items()}}
        spread = {v: round(max(logit(e["thresholds"][v]) for e in per_export.values())
                           - min(logit(e["thresholds"][v]) for e in per_export.values()), 3) for v in fprs}
        result["rules"][text] = {"rule": rule, "exports": per_export, "logit_range_across_exports": spread}
        print(text, json.dumps({n: (e["thresholds"], e["worst_source"]) for n, e in per_export.items()}), spread, flush=True)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
