"""URL slice rule: the candidate against v4 by models/training/url-slice-rule-criteria.md (C1, C2, C4).

Reads the measure-platform-slice.ts result of the supported rule (model scores, both rules' options
side by side) and the served measure-url-list.ts results of both versions:

    python3 models/training/url-slice-rule-compare.py RESULT.json [SERVED_PREFIX [CANDIDATE_VERSION]]

SERVED_PREFIX + url-4-NAME.json and url-CANDIDATE-NAME.json: what scripts/url/served-slice-rule.sh wrote
(default models/training/results/url-slice-rule-served-).
"""

import json
import math
import sys

result = json.load(open(sys.argv[1]))
served = sys.argv[2] if len(sys.argv) > 2 else "models/training/results/url-slice-rule-served-"
cand = sys.argv[3] if len(sys.argv) > 3 else "5"
old, new = result["figures"]["slice_unless_lure_one_name_rule"], result["figures"]["slice_unless_lure"]

rows = []  # (label, kind, n, v4 count/rate, candidate)


def add(label, kind, n, a_pct, b_pct):
    for verdict, a, b in zip(("suspicious", "malicious"), a_pct, b_pct):
        rows.append((label, kind, verdict, n, a, b))


def pcts(d):
    return (d["at_suspicious_pct"], d["at_malicious_pct"])


for s in ["installed_software_evaluate"]:
    add(f"{s} (all)", "benign", old[s]["all"]["rows"], pcts(old[s]["all"]), pcts(new[s]["all"]))
    add(f"{s} (no lure)", "benign", old[s]["no_lure"]["rows"], pcts(old[s]["no_lure"]), pcts(new[s]["no_lure"]))
for s in old:
    if s.endswith("_test_platform"):
        kind = "malicious" if any(m in s for m in ("phishing", "blacklist", "openphish")) else "benign"
        add(s, kind, old[s]["all"]["rows"], pcts(old[s]["all"]), pcts(new[s]["all"]))
    elif s.endswith("_test_all"):
        add(s, "malicious", old[s]["rows"], pcts(old[s]), pcts(new[s]))
for name, kind in [
    ("installed-evaluate", "benign"),
    ("raw-github-probe", "benign"),
    ("mail-platform-urls", "benign"),
    ("openphish-test-platform", "malicious"),
    ("phishcrawl-test-platform", "malicious"),
    ("csirtg-test-platform", "malicious"),
    ("pdd-test-platform", "malicious"),
    ("urlhaus-urls", "malicious"),
]:
    try:
        a = json.load(open(f"{served}url-4-{name}.json"))["all"]
        b = json.load(open(f"{served}url-{cand}-{name}.json"))["all"]
    except FileNotFoundError:
        continue
    f = lambda d: (100 * d["raised_at_suspicious"], 100 * d["raised_at_malicious"])
    add(f"{name} (served)", kind, a["rows"], f(a), f(b))

fails = []
print(f"| set | verdict | rows | v4 | candidate | criterion |")
print("|---|---|---|---|---|---|")
for label, kind, verdict, n, a, b in rows:
    ka, kb = round(a * n / 100), round(b * n / 100)
    if kind == "benign":
        ok = kb <= ka + max(1, math.ceil(math.sqrt(ka)))
        crit = f"C1 <= {ka + max(1, math.ceil(math.sqrt(ka)))}"
    else:
        ok = (kb >= ka - 1) if n < 100 else (b >= a - 1.0)
        crit = "C2 >= one URL fewer" if n < 100 else f"C2 >= {a - 1.0:.2f}%"
    if not ok:
        fails.append(f"{label} {verdict}")
    print(f"| {label} | {verdict} | {n} | {a:.2f}% ({ka}) | {b:.2f}% ({kb}) | {crit} {'ok' if ok else 'FAIL'} |")

st = result["stability"]["bootstrap"]
lg = lambda p: math.log(p / (1 - p))
ev = new["installed_software_evaluate"]["no_lure"]
print(f"\nC4 held-out half (no lure): {ev['at_suspicious_pct']}% / {ev['at_malicious_pct']}% (bar 4% / 1%)")
if ev["at_suspicious_pct"] > 4 or ev["at_malicious_pct"] > 1:
    fails.append("C4 bar")
for v in ("suspicious", "malicious"):
    iqr = {r: (st[r][v]["p75"] - st[r][v]["p25"], lg(st[r][v]["p75"]) - lg(st[r][v]["p25"])) for r in st}
    ok = iqr["supported"][0] < iqr["one-name"][0]
    if not ok:
        fails.append(f"C4 bootstrap IQR {v}")
    print(
        f"C4 bootstrap IQR {v}: supported {iqr['supported'][0]:.5f} ({iqr['supported'][1]:.3f} logits), "
        f"one-name {iqr['one-name'][0]:.5f} ({iqr['one-name'][1]:.3f} logits): {'ok' if ok else 'FAIL'}"
    )
print("\nearned" if not fails else f"\nNOT earned: {'; '.join(fails)}")
