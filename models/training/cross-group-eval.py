"""Cross-group evaluation: train on the training split of one group, score the test split of another.

For the URL model the group is the source year (2018: pdd + csirtg, 2024: PhishCrawl). A model that
learned the era instead of phishing (e.g. https share, URL shape of one collection) falls towards
chance here; one that learned phishing keeps most of its within-year AUC. Same features, same
hyper-parameters and same site split as train.py; nothing is written to the model folder.

    python models/training/cross-group-eval.py --export models/training/.work/url
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from train import auc, load_export, make_model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--max-depth", type=int, default=8)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    args = ap.parse_args()
    _, _, X, rows = load_export(args.export)
    y = np.array([int(r["label"]) for r in rows])
    split = np.array([r["split"] for r in rows])
    group = np.array([r["group"] for r in rows])
    params = {"max_iter": args.max_iter, "max_depth": args.max_depth, "learning_rate": args.learning_rate}
    out = {}
    for g_train in sorted(set(group.tolist())):
        tr = (split == "train") & (group == g_train)
        model = make_model(params).fit(X[tr], y[tr])
        for g_test in sorted(set(group.tolist())):
            te = (split == "test") & (group == g_test)
            out[f"train_{g_train}_test_{g_test}_roc_auc"] = round(auc(y[te], model.predict_proba(X[te])[:, 1]), 6)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
