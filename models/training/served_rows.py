"""Served counts per slice from the files scripts/domain/served-slice-rule.sh writes (TAG-platform-own-
sources.json, TAG-unseen-lists.json, TAG-resolver-hosts.json in one folder), for slice-rule-compare.py
and slice-rule-table.py: {'test:NAME' | 'unseen:NAME': (label, rows, at suspicious or above, at malicious)}.
"""
import json


def served_rows(folder, tag):
    rows = {}
    for name, s in json.load(open(f'{folder}/{tag}-platform-own-sources.json'))['sources'].items():
        t = s['test_split']
        if t['hosts']:
            n = t['hosts']
            rows[f'test:{name}'] = (s['label'], n, round(t['at_suspicious_pct'] * n / 100), round(t['at_malicious_pct'] * n / 100))
    for f in ('unseen-lists', 'resolver-hosts'):
        for name, s in json.load(open(f'{folder}/{tag}-{f}.json'))['sources'].items():
            u = s['unseen']
            kind = 'fpr' if s['label'] == 'benign' else 'detection'
            n = u['rows']
            rows[f'unseen:{name}'] = (s['label'], n, round(u[f'served_{kind}_at_suspicious'] * n), round(u[f'served_{kind}_at_malicious'] * n))
    return rows


def served_site_rows(folder, tag):
    """The unseen benign lists' rows in sites (registrable domains with a name raised; measure-long-tail.ts
    `unseen_sites`): {'unseen:NAME': ('benign', sites, sites at suspicious or above, sites at malicious)}. A file
    without site counts (measured before they existed) is an error: a draw must not mix names and sites."""
    rows = {}
    for f in ('unseen-lists', 'resolver-hosts'):
        for name, s in json.load(open(f'{folder}/{tag}-{f}.json'))['sources'].items():
            if s['label'] != 'benign':
                continue
            u = s.get('unseen_sites')
            if u is None or 'served_sites_at_malicious' not in u:
                raise SystemExit(f'{folder}/{tag}-{f}.json: {name} has no served site counts (measure it again)')
            rows[f'unseen:{name}'] = ('benign', u['sites'], u['served_sites_at_suspicious'], u['served_sites_at_malicious'])
    return rows
