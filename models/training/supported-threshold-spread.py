"""S2 / S2b of models/training/domain-supported-threshold.md, from the validation scores train.py --val-scores wrote
for each seed of one recipe (validation rows only; no held-out figure is read):

    python models/training/supported-threshold-spread.py --rule-json '{"on": "hardest-source", "min_source_rows": 200}' \
        --fprs 0.01,0.0025 --boot 200 S=/tmp/val20261127.npz S=/tmp/val7.npz ... [--out FILE]

S2: per rule (the old one and the same with "supported": true) each seed's thresholds and the range of their logits.
S2b: at the first seed, the site bootstrap of the source that sets each threshold: that source's validation sites
drawn with replacement (every other source as it is), `--boot` rounds, the standard deviation of the logit.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from train import verdict_thresholds  # noqa: E402


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rule-json", default='{"on": "hardest-source", "min_source_rows": 200}')
    ap.add_argument("--fprs", default="0.01,0.0025")
    ap.add_argument("--boot", type=int, default=200)
    ap.add_argument("--out", type=Path)
    ap.add_argument("draws", nargs="+", help="SEED=FILE.npz")
    a = ap.parse_args()
    base = json.loads(a.rule_json)
    base.pop("supported", None)
    rules = {"one_name": base, "supported": {**base, "supported": True}}
    s_fpr, m_fpr = (float(x) for x in a.fprs.split(","))
    fprs = {"suspicious": s_fpr, "malicious": m_fpr}
    data = {}
    for d in a.draws:
        seed, _, path = d.partition("=")
        z = np.load(path)
        data[seed] = {k: z[k] for k in ("p", "y", "src", "site")}
    out = {"command": " ".join(["python"] + sys.argv), "rules": rules, "seeds": {}, "range_logit": {}, "site_bootstrap": {}}
    for name, rule in rules.items():
        per = {}
        for seed, d in data.items():
            th, by, _ = verdict_thresholds(rule, d["p"], d["y"], d["src"], fprs)
            per[seed] = {"thresholds": {k: round(v, 6) for k, v in th.items()}, "set_by": by}
        out["seeds"][name] = per
        out["range_logit"][name] = {v: round(max(logit(x["thresholds"][v]) for x in per.values())
                                          - min(logit(x["thresholds"][v]) for x in per.values()), 4) for v in fprs}
    seed0 = next(iter(data))
    d = data[seed0]
    rng = np.random.default_rng(20261208)
    for name, rule in rules.items():
        by = out["seeds"][name][seed0]["set_by"]
        res = {}
        for verdict in fprs:
            src = by[verdict]
            sel = (d["src"] == src) & (d["y"] == 0)
            rest = np.flatnonzero(~sel)
            idx = np.flatnonzero(sel)
            sites = {}
            for i in idx:
                sites.setdefault(d["site"][i], []).append(i)
            groups = list(sites.values())
            draws = []
            for _ in range(a.boot):
                pick = np.concatenate([groups[j] for j in rng.integers(0, len(groups), len(groups))])
                ii = np.r_[rest, pick]
                th = verdict_thresholds(rule, d["p"][ii], d["y"][ii], d["src"][ii], fprs)[0]
                draws.append(logit(th[verdict]))
            res[verdict] = {"source": src, "sites": len(groups), "names": int(len(idx)),
                            "sd_logit": round(float(np.std(draws)), 4),
                            "p05_p95": [round(float(np.quantile(draws, q)), 4) for q in (0.05, 0.95)]}
        out["site_bootstrap"][name] = res
    text = json.dumps(out, indent=1)
    if a.out:
        a.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
