"""A trained version's thresholds and test-split figures under other per-source FPR targets, same rule.

The hardest-source rule (train.py --thresholds-on hardest-source) at several (suspicious, malicious) validation
targets, applied to the served ONNX model itself (not a throw-away one) on the export it was trained from: per
source, false positives (benign) or detection (malicious) at each verdict on the test split, and the long-label
slice of real benign names. Used to compare v2 and the v3 candidate at each other's rule (domain card).

    python models/training/served-policies.py models/training/.work/candidate/domain/3 models/training/.work/candidate/domain \
        [--policy 0.02,0.005 --policy 0.01,0.0025 ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

from train import hardest_source_thresholds, load_export


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a version folder (model.onnx, metadata.json)")
    ap.add_argument("export", type=Path, help="the export it was trained from (same rows and split)")
    ap.add_argument("--policy", action="append", metavar="SUSPICIOUS_FPR,MALICIOUS_FPR",
                    help="per-source validation targets (default: 0.02,0.005 0.01,0.005 0.01,0.0035 0.01,0.0025)")
    ap.add_argument("--long-label", type=int, default=20)
    args = ap.parse_args()
    policies = [tuple(float(v) for v in p.split(",")) for p in (args.policy or ["0.02,0.005", "0.01,0.005", "0.01,0.0035",
                                                                              "0.01,0.0025"])]
    spec, _, X, rows = load_export(args.export)
    meta = json.loads((args.model / "metadata.json").read_text())
    session = ort.InferenceSession(str(args.model / "model.onnx"), providers=["CPUExecutionProvider"])
    y = np.array([int(r["label"]) for r in rows])
    split = np.array([r["split"] for r in rows])
    src = np.array([r["source"] for r in rows])
    long = np.array([len(r["site"].split(".", 1)[0]) > args.long_label for r in rows])
    derived = [s["name"] for s in spec["sources"] if s.get("format") == "derived"]

    def scores(mask: np.ndarray) -> np.ndarray:
        Xm = X[mask]
        return np.concatenate([session.run(None, {meta["input"]["name"]: Xm[i:i + 50000]})[1][:, 1]
                               for i in range(0, len(Xm), 50000)])

    val, test = split == "val", split == "test"
    pv, pt = scores(val), scores(test)
    yt, st, lt = y[test], src[test], long[test]
    for sus, mal in policies:
        th, by = hardest_source_thresholds(pv, y[val], src[val], {"suspicious": sus, "malicious": mal}, 200)
        print(f"== {sus:.2%} / {mal:.2%}: thresholds {th['suspicious']:.4f} ({by['suspicious']}) / "
              f"{th['malicious']:.4f} ({by['malicious']})")
        for s in sorted(set(st.tolist())):
            sel = st == s
            kind = "detection" if yt[sel].mean() > 0.5 else "FP"
            print(f"   {s:34} {kind:9} {np.mean(pt[sel] >= th['suspicious']):.2%} / {np.mean(pt[sel] >= th['malicious']):.2%}")
        sel = lt & (yt == 0) & ~np.isin(st, derived)
        print(f"   {'long benign, real sources':34} FP        {np.mean(pt[sel] >= th['suspicious']):.2%} / "
              f"{np.mean(pt[sel] >= th['malicious']):.2%} ({int(sel.sum())} names)")


if __name__ == "__main__":
    main()
