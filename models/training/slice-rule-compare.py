"""Served figures of domain candidates against served v5, judged by the criteria fixed before measuring
(models/training/domain-slice-rule-criteria.md): C1 benign counts within max(1, ceil(sqrt(v5 count)))
names; C2 OpenPhish / PhishCrawl / MetaMask (all, newest) / DGA within 1.0 point at each verdict.

    python3 models/training/slice-rule-compare.py BASE_TAG CAND_TAG [DIR] [--json OUT]

DIR holds TAG-platform-own-sources.json (measure-platform-own.ts), TAG-unseen-lists.json and
TAG-resolver-hosts.json (measure-long-tail.ts --served), as /tmp/slice/served.sh in the card writes them.
"""
import json
import math
import sys

from served_rows import served_rows

out = sys.argv[sys.argv.index('--json') + 1] if '--json' in sys.argv else None
args = [a for a in sys.argv[1:] if not a.startswith('--') and a != out]
base, cand = args[0], args[1]
folder = args[2] if len(args) > 2 else '/tmp/slice/out'

GATED = {'openphish_hosts', 'url_hosts_phishcrawl_phishing', 'crypto_phishing', 'crypto_phishing_newest', 'andrewaeva_dga'}


a, b = served_rows(folder, base), served_rows(folder, cand)
report = []
fails = []
print(f'| slice | label | rows | {base} susp. / mal. | {cand} susp. / mal. | check |')
print('|---|---|---|---|---|---|')
for key in a:
    if key not in b:
        continue
    label, n, s0, m0 = a[key]
    _, n1, s1, m1 = b[key]
    pct = lambda k, n: f'{100 * k / n:.2f}%'
    check = ''
    if label == 'benign':
        bad = [v for v, k0, k1 in (('susp', s0, s1), ('mal', m0, m1)) if k1 > k0 + max(1, math.ceil(math.sqrt(k0)))]
        check = 'C1 FAIL ' + ','.join(bad) if bad else 'ok'
    elif key.split(':', 1)[1] in GATED:
        bad = [v for v, k0, k1 in (('susp', s0, s1), ('mal', m0, m1)) if 100 * k1 / n1 < 100 * k0 / n - 1.0]
        check = 'C2 FAIL ' + ','.join(bad) if bad else 'ok'
    if 'FAIL' in check:
        fails.append(f'{key} {check}')
    print(f'| {key} | {label} | {n:,} | {pct(s0, n)} / {pct(m0, n)} ({s0} / {m0}) | {pct(s1, n1)} / {pct(m1, n1)} ({s1} / {m1}) | {check} |')
    report.append({'slice': key, 'label': label, 'rows': n, base: [s0, m0], cand: [s1, m1], 'check': check})
print('\nfailures:', fails or 'none')
if out:
    json.dump({'base': base, 'candidate': cand, 'rows': report, 'failures': fails}, open(out, 'w'), indent=1)
