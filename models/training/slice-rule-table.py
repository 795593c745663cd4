"""One markdown table of served figures for several tags (suspicious or above / malicious, percent and
names), from the files scripts/domain/served-slice-rule.sh writes:

    python3 models/training/slice-rule-table.py DIR TAG[=Title] TAG[=Title] ...
"""
import sys

from served_rows import served_rows

folder = sys.argv[1]
tags = [t.split('=', 1) if '=' in t else (t, t) for t in sys.argv[2:]]


data = [served_rows(folder, t) for t, _ in tags]
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
        kind, name = key.split(':', 1)
        print(f'| {name} ({"test split" if kind == "test" else "unseen"}) ({label}) | {n:,} | ' + ' | '.join(cells) + ' |')
