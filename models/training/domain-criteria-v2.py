"""Domain criteria v2 (models/training/domain-criteria-v2.md): C1 / C2 allowances from the spread of v5's recipe
across seeds, and candidates judged by them.

    python3 models/training/domain-criteria-v2.py --dir models/training/results \
        --floor domain-6-75trees-v5-slice-rule-served \
        --ref domain-5-slice-rule-served:domain-5-slice-rule-platform-slice.json \
        --ref domain-5-recipe-seed7-slice-rule-served:domain-5-recipe-seed7-platform-slice.json ... \
        --cand 'lr015 s20261127=domain-6-100trees-lr015-slice-rule-served:domain-6-100trees-lr015-platform-slice.json' ... \
        [--sites] [--json OUT]

A draw is TAG[:PLATFORM_SLICE_FILE[:FIGURES_KEY]]: DIR/TAG-{platform-own-sources,unseen-lists,resolver-hosts}.json as
scripts/domain/served-slice-rule.sh writes them (served_rows.py reads them), and optionally the
measure-platform-slice.ts file whose slice_unless_lure evaluate half (FIGURES_KEY, default slice_unless_lure;
published v5: slice_unless_lure_one_name_rule) gives the row platform:debian_evaluate.
--floor is published v5 (old allowances: C1 v5 + max(1, ceil(sqrt(v5))) names, C2 v5 - 1.0 point).
--sites (criteria v2.1, models/training/domain-supported-threshold.md): the unseen benign lists' C1 rows count sites
(registrable domains with a name raised) instead of names, in every draw; their name counts are reported beside
(`names`, not gated). Test-split rows and the Debian platform evaluate half stay in names.
"""
import json
import math
import statistics
import sys

from served_rows import served_rows, served_site_rows

GATED = {'openphish_hosts', 'url_hosts_phishcrawl_phishing', 'crypto_phishing', 'crypto_phishing_newest', 'andrewaeva_dga'}
# t quantile 0.975 by degrees of freedom (one-sided 97.5%)
T975 = {1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 5: 2.5706, 6: 2.4469}


def k_for(n):
    return T975[n - 1] * math.sqrt(1 + 1 / n)


def arg_list(flag):
    return [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == flag]


SITES = '--sites' in sys.argv
NAMES = {}  # tag -> the name rows that --sites replaced, reported beside


def load(folder, spec):
    tag, _, rest = spec.partition(':')
    slice_file, _, fig = rest.partition(':')
    rows = served_rows(folder, tag)
    if SITES:
        sites = served_site_rows(folder, tag)
        NAMES[tag] = {k: rows[k] for k in sites}
        rows.update(sites)
    if slice_file:
        e = json.load(open(f'{folder}/{slice_file}'))['figures'][fig or 'slice_unless_lure']['evaluate']['debian_platform_fp']
        n = e['rows']
        rows['platform:debian_evaluate'] = ('benign', n, round(e['at_suspicious_pct'] * n / 100), round(e['at_malicious_pct'] * n / 100))
    return rows


def checked(key, label):
    return label == 'benign' or key.split(':', 1)[1] in GATED


def value(row, v):
    """Benign rows in names, gated malicious rows in percent."""
    label, n, s, m = row
    k = s if v == 'susp' else m
    return k if label == 'benign' else 100 * k / n


def bounds(refs, floor):
    n = len(refs)
    k = k_for(n)
    out = {}
    for key, frow in floor.items():
        label = frow[0]
        if not checked(key, label) or not all(key in r for r in refs):
            continue
        for v in ('susp', 'mal'):
            xs = [value(r[key], v) for r in refs]
            m, s = statistics.mean(xs), statistics.stdev(xs)
            f = value(frow, v)
            if label == 'benign':
                old = f + max(1, math.ceil(math.sqrt(f)))
                limit = max(old, m + k * s)
            else:
                old = f - 1.0
                limit = min(old, m - k * s)
            out[f'{key} {v}'] = {'label': label, 'draws': [round(x, 2) for x in xs], 'mean': round(m, 2), 'sd': round(s, 2),
                                 'published_v5': round(f, 2), 'old_limit': round(old, 2), 'v2_limit': round(limit, 2),
                                 'k': round(k, 3), 'widened': limit != old}
    return out


def judge(rows, b):
    fails = []
    for key, x in b.items():
        slice_key, v = key.rsplit(' ', 1)
        if slice_key not in rows:
            fails.append(f'{key} missing')
            continue
        c = value(rows[slice_key], v)
        bad = c > x['v2_limit'] if x['label'] == 'benign' else c < x['v2_limit']
        if bad:
            over = c - x['v2_limit']
            fails.append(f"{key}: {round(c, 2)} vs limit {x['v2_limit']} ({'+' if over > 0 else ''}{round(over, 2)})")
    return fails


folder = sys.argv[sys.argv.index('--dir') + 1] if '--dir' in sys.argv else 'models/training/results'
floor = load(folder, sys.argv[sys.argv.index('--floor') + 1])
ref_specs = arg_list('--ref')
refs = [load(folder, r) for r in ref_specs]
cands = [(c.split('=', 1)[0], load(folder, c.split('=', 1)[1])) for c in arg_list('--cand')]
b = bounds(refs, floor)
print(f'reference draws: {len(refs)}, k = {k_for(len(refs)):.3f}; unseen benign rows in {"sites" if SITES else "names"}')
print('| row | published v5 | draws | mean / sd | old limit | v2 limit |')
print('|---|---|---|---|---|---|')
for key, x in b.items():
    if x['widened'] or x['sd'] > 0:
        print(f"| {key} | {x['published_v5']} | {x['draws']} | {x['mean']} / {x['sd']} | {x['old_limit']} | {x['v2_limit']}{' (wider)' if x['widened'] else ''} |")
# self-check: each reference draw against the bounds of the others (informative, not a gate)
self_check = {}
if len(refs) >= 3:
    for i, spec in enumerate(ref_specs):
        others = refs[:i] + refs[i + 1:]
        self_check[spec.split(':')[0]] = judge(refs[i], bounds(others, floor))
    print('\nself-check (each draw vs the bounds of the others):')
    for t, f in self_check.items():
        print(f'  {t}: {len(f)} fails {f}')
verdicts = {}
print('\ncandidates:')
for name, rows in cands:
    f = judge(rows, b)
    verdicts[name] = f
    print(f'  {name}: {"pass" if not f else f"{len(f)} fails"} {f}')
if '--json' in sys.argv:
    json.dump({'rule': 'models/training/domain-criteria-v2.md', 'command': ' '.join(['python3'] + sys.argv),
               'reference_draws': [r.split(':')[0] for r in ref_specs], 'floor': sys.argv[sys.argv.index('--floor') + 1],
               'k': round(k_for(len(refs)), 4), 'c1_unseen_benign_unit': 'sites' if SITES else 'names',
               **({'names_beside': {t: {k: {'rows': r[1], 'susp': r[2], 'mal': r[3]} for k, r in v.items()}
                                    for t, v in NAMES.items()}} if SITES else {}),
               'bounds': b, 'self_check': self_check, 'candidates': verdicts},
              open(sys.argv[sys.argv.index('--json') + 1], 'w'), indent=1)
