"""Summarises scripts/email/eval-embedded.ts output: per source, how many messages each rule raises.

    python3 models/training/email-embedded-report.py embedded.tsv

Columns per source: rows; raised (suspicious or above) and malicious by the message model alone, by the
old rule (any malicious indicator inside lifts to suspicious) and by the combination (email-evidence.ts);
for a benign source these are false-positive rates, for a malicious one detection rates.
"""

import csv
import sys
from collections import defaultdict


def main() -> None:
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    by = defaultdict(list)
    for r in rows:
        by[(r["label"], r["source"])].append(r)
    print("label\tsource\trows\tmodel_raised\told_rule_raised\tnew_rule_raised\tmodel_malicious\tnew_rule_malicious\twith_cited")
    for (label, src), rs in sorted(by.items()):
        n = len(rs)
        model_raised = sum(1 for r in rs if r["model_verdict"] != "benign") / n
        old = sum(1 for r in rs if r["old_verdict"] != "benign") / n
        new = sum(1 for r in rs if r["new_verdict"] != "benign") / n
        new_mal = sum(1 for r in rs if r["new_verdict"] == "malicious") / n
        old_mal = sum(1 for r in rs if r["model_verdict"] == "malicious") / n
        cited = sum(1 for r in rs if r["cited"] != "0") / n
        print(f"{label}\t{src}\t{n}\t{model_raised:.4f}\t{old:.4f}\t{new:.4f}\t{old_mal:.4f}\t{new_mal:.4f}\t{cited:.4f}")


if __name__ == "__main__":
    main()
