"""One markdown table of served figures for several tags (suspicious or above / malicious, percent and
names), from the files scripts/domain/served-slice-rule.sh writes:

    python3 models/training/slice-rule-table.py DIR TAG[=Title] TAG[=Title] ...
"""
import json
import sys

folder = sys.argv[1]
tags = [t.split('=', 1) if '=' in t else (t, t) for t in sys.argv[2:]]


def rows_of(tag):
    rows = {}
    for name, s in json.load(open(f'{folder}/{tag}-platform-own-sources.json'))['sources'].items():
        t = s['test_split']
        if t['hosts']:
            n = t['hosts']
            rows[f'{name} (test split)'] = (s['label'], n, round(t['at_suspicious_pct'] * n / 100), round(t['at_malicious_pct'] * n / 100))
    for f in ('unseen-lists', 'resolver-hosts'):
        for name, s in json.load(open(f'{folder}/{tag}-{f}.json'))['sources'].items():
            u = s['unseen']
            k = 'fpr' if s['label'] == 'benign' else 'detection'
            n = u['rows']
            rows[f'{name} (unseen)'] = (s['label'], n, round(u[f'served_{k}_at_suspicious'] * n), round(u[f'served_{k}_at_malicious'] * n))
    return rows


data = [rows_of(t) for t, _ in tags]
print('| slice (served) | rows | ' + ' | '.join(title for _, title in tags) + ' |')
print('|---|---|' + '---|' * len(tags))
for label in ('benign', 'malicious'):
    for key, (lab, n, *_rest) in data[0].items():
        if lab != label:
            continue
        cells = []
        for d in data:
            if key not in d:
                cells.append('')
                continue
            _, m, s, k = d[key]
            cells.append(f'{100 * s / m:.2f}% / {100 * k / m:.2f}% ({s} / {k})')
        print(f'| {key} ({label}) | {n:,} | ' + ' | '.join(cells) + ' |')
