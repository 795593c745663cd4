"""Why a left-out ham source is raised: trains the throw-away model evaluate.py trains without that source
(text model refitted on its rows, 150 trees, thresholds from the hardest remaining ham source), then, over the
left-out rows, reports how each feature moves the score (mean probability with that one column set to its median
over the training ham, and the share of rows that fall below the malicious threshold then), and, for the text
model, the words and pairs that push the left-out rows up most (summed weight x value; vocabulary exports only).

    python models/training/email-explain-left-out.py --export WORK --source legit-html-templates [--top 30]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from evaluate import Evaluator
from text_model import VocabText, load_text
from train import load_export


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--source", required=True)
    ap.add_argument("--max-iter", type=int, default=150)
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    spec, names, X, rows = load_export(args.export)
    params = {"max_iter": 200, "max_depth": 8, "learning_rate": 0.1, **spec.get("train_params", {}), "max_iter": args.max_iter}
    T = load_text(args.export, spec, X.shape[0], rows)
    ev = Evaluator(spec, X, rows, params, {"suspicious": 0.02, "malicious": 0.005}, 100, None, "all", T)
    gone = ev.src == args.source
    train, val = (ev.split == "train") & ~gone, (ev.split == "val") & ~gone
    # Refit the text model ourselves so that its fit is at hand (Evaluator.fit does the same and discards it).
    idx = np.flatnonzero(train)
    from train import hardest_source_thresholds, sample_weights
    w = sample_weights(spec, rows, ev.y, idx)
    col = names.index("text_score")
    sites = np.array([r["site"] for r in rows])
    from text_model import fill_text_column
    fit = fill_text_column(X, col, T, ev.y, idx, w, sites, float(ev.text_c))
    from train import make_model
    model = make_model(ev.params).fit(X[idx], ev.y[idx], sample_weight=w)
    pv = model.predict_proba(X[val])[:, 1]
    th, by = hardest_source_thresholds(pv, ev.y[val], ev.src[val], {"suspicious": 0.02, "malicious": 0.005}, 100, (args.source,))
    held = np.flatnonzero(gone)
    p = model.predict_proba(X[held])[:, 1]
    ham_train = idx[ev.y[idx] == 0]
    out = {"source": args.source, "rows": int(len(held)), "thresholds": th, "set_by": by,
           "fpr_at_malicious": float((p >= th["malicious"]).mean()), "fpr_at_suspicious": float((p >= th["suspicious"]).mean()),
           "mean_p": float(p.mean()), "text_score_left_out_median": float(np.median(X[held, col])),
           "text_score_train_ham_median": float(np.median(X[ham_train, col])),
           "text_score_train_malicious_median": float(np.median(X[idx[ev.y[idx] == 1], col]))}
    moves = []
    for j, n in enumerate(names):
        Xa = X[held].copy()
        Xa[:, j] = np.median(X[ham_train, j])
        q = model.predict_proba(Xa)[:, 1]
        moves.append({"feature": n, "left_out_mean": round(float(X[held, j].mean()), 4),
                      "train_ham_mean": round(float(X[ham_train, j].mean()), 4),
                      "train_malicious_mean": round(float(X[idx[ev.y[idx] == 1], j].mean()), 4),
                      "mean_p_at_ham_median": round(float(q.mean()), 4),
                      "fpr_at_malicious_then": round(float((q >= th["malicious"]).mean()), 4)})
    moves.sort(key=lambda m: m["mean_p_at_ham_median"])
    out["features_set_to_train_ham_median"] = moves[:12]
    if isinstance(T, VocabText):
        cols, coef, bias = fit
        Kc = T.K[held][:, cols].tocoo()
        contrib = defaultdict(float)
        docs = defaultdict(int)
        for r, c, v in zip(Kc.row, Kc.col, Kc.data):
            contrib[c] += float(coef[c]) * v
            docs[c] += 1
        top = sorted(contrib, key=lambda c: -contrib[c])[: args.top]
        out["text_bias"] = bias
        out["vocabulary"] = int(len(cols))
        out["words_pushing_up"] = [{"key": T.keys[cols[c]], "weight": round(float(coef[c]), 3), "docs": docs[c],
                                    "mean_contrib_per_row": round(contrib[c] / len(held), 4)} for c in top]
        K_all = T.K[held]
        known = T.K[held][:, cols]
        out["known_share_of_length_median"] = float(np.median(np.asarray(known.multiply(known).sum(axis=1)).ravel()))
        out["all_keys_share_median"] = float(np.median(np.asarray(K_all.multiply(K_all).sum(axis=1)).ravel()))
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
