"""Honest evaluation of one export: how the model does on sources and dates it was not trained on.

A test split shares its sources with training, so it measures how well the model remembers a source
(its TLDs, its naming habits, its collection artefacts) more than detection. This script retrains
throw-away models with the same parameters (or fewer trees, --max-iter) and reports:

- `leave_one_source_out`: for every source S, a model trained on the train split WITHOUT S (and without
  rows derived from S, rows.tsv column `lineage`), then S's test-split rows (held-out sites) scored.
  A malicious S: ROC AUC against all benign test rows, detection at suspicious and at malicious.
  A benign S: false-positive rate at suspicious and at malicious, and ROC AUC of all malicious test rows
  against S.
- `later_in_time` (when rows.tsv has a non-empty `date` column, ISO yyyy-mm-dd): a model trained on the
  dated rows before a cut-off (plus undated rows, which keep their site split), scored on dated
  test-split rows from the cut-off on: per source, the same figures as above.
- `in_distribution`: the full model on the test split, per source, under the same threshold policy.
- with `--long-label N`, a slice of every run above: the test rows whose registrable label (the first
  label of the site key: `californiacontractorbonds` of `www.californiacontractorbonds.com`, the
  customer label on a shared platform) is longer than N characters; benign rows give false-positive
  rates at each verdict, malicious rows detection, never pooled together. For leave-one-source-out the
  slice is also pooled over the left-out sources (each scored by the model trained without it, at that
  model's thresholds): `summary.long_label_left_out`.

Labels are never mixed in one figure: a malicious source gets AUC and detection, a benign source gets
false-positive rates. Thresholds come from the HARDEST benign source: for each benign source with
enough validation rows, the score that keeps its own validation FPR at the target; the verdict
threshold is the highest of these (so every benign source stays within the target on validation, not
only the pooled, easy majority). A left-out benign source never picks its own threshold.
With `--thresholds-on source-capped` (or the sources file's threshold_policy) every run uses train.py's
source-capped rule instead: the FPR over the validation ham of all benign sources pooled, each counting as at
most `--threshold-source-cap` rows (train.py verdict_thresholds; one implementation for both scripts).

    python models/training/evaluate.py --export models/training/.work/domain --max-iter 100 \
        --out models/training/.work/domain/out-of-source.json [--metadata models/domain/2/metadata.json]

Exporters whose features carry counts learned from the training rows (the IP model's reputation tables)
would leak a left-out source, or later rows, through those counts. For them:
- `--loso-export S=DIR` (repeatable): when leaving out S, use the features of DIR, an export of the same
  rows in the same order whose counts were built without S (export-ip.ts --assets-without S);
- `--later-in-time-export DIR`: the same rows with features whose assets were learned only from rows
  before a cut-off (export-domain.ts --later-than, which writes DIR/cutoff.json): the date cut of this
  export at that cut-off, scored as a model trained before it would ship;
- `--later-export DIR`: an export already split by time, counts from its train split only
  (export-ip.ts --split time); its per-source figures are reported as `later_in_time` instead of the
  date cut of this export (which would reuse counts learned on later rows).

With --metadata the result is stored in that metadata.json as `out_of_source_evaluation`, beside the
test-split `metrics` (which the server's metadata type keeps flat).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from text_model import fill_text_column, load_text
from train import SEED, auc, load_export, make_model, rate, sample_weights, text_fold_groups, verdict_thresholds


def source_figures(p: np.ndarray, y: np.ndarray, src: np.ndarray, sources, p_benign, p_malicious, thresholds) -> dict:
    """Per source: malicious -> AUC vs the benign pool and detection; benign -> FPR and AUC of the malicious pool vs it."""
    out = {}
    for s in sources:
        sel = src == s
        if not sel.any():
            continue
        ps = p[sel]
        label = int(round(float(y[sel].mean())))
        f = {"label": "malicious" if label else "benign", "rows": int(sel.sum())}
        if label:
            f["roc_auc_vs_benign"] = auc(np.r_[np.ones(len(ps)), np.zeros(len(p_benign))], np.r_[ps, p_benign])
            f["detection_at_suspicious"] = rate(ps >= thresholds["suspicious"])
            f["detection_at_malicious"] = rate(ps >= thresholds["malicious"])
        else:
            f["fpr_at_suspicious"] = rate(ps >= thresholds["suspicious"])
            f["fpr_at_malicious"] = rate(ps >= thresholds["malicious"])
            f["roc_auc_malicious_vs_this"] = auc(np.r_[np.ones(len(p_malicious)), np.zeros(len(ps))], np.r_[p_malicious, ps])
        out[s] = {k: (round(v, 6) if isinstance(v, float) and v == v else v) for k, v in f.items()}
    return out


def verdict_figures(p: np.ndarray, y: np.ndarray, src: np.ndarray, thresholds) -> dict:
    """Per source, at these thresholds: false positives of a benign source, detection of a malicious one."""
    out = {}
    for s in sorted(set(src.tolist())):
        sel = src == s
        key = "detection" if y[sel].mean() > 0.5 else "fpr"
        out[s] = {f"{key}_at_{v}": round(rate(p[sel] >= thresholds[v]), 6) for v in ("suspicious", "malicious")}
    return out


def parse_policy(text: str) -> tuple[str, dict]:
    """NAME=SUSPICIOUS_FPR,MALICIOUS_FPR: the hardest-source rule at other per-source validation FPRs."""
    name, fprs = text.split("=", 1)
    sus, mal = (float(v) for v in fprs.split(","))
    return name, {"suspicious": sus, "malicious": mal}


def registrable_label(site: str) -> str:
    """The first label of a site key: the registrable label (or a shared platform's customer label)."""
    return site.split(".", 1)[0]


def long_label_figures(p: np.ndarray, y: np.ndarray, long_rows: np.ndarray, thresholds) -> dict:
    """The long-label slice of scored rows: benign false positives and malicious detection at each verdict."""
    out = {}
    for label, name, key in ((0, "benign", "fpr"), (1, "malicious", "detection")):
        sel = long_rows & (y == label)
        f = {"rows": int(sel.sum())}
        if sel.any():
            for verdict in ("suspicious", "malicious"):
                hits = int((p[sel] >= thresholds[verdict]).sum())
                f[f"{key}_at_{verdict}"] = round(hits / int(sel.sum()), 6)
                f[f"{key}_hits_at_{verdict}"] = hits
        out[name] = f
    return out


def pool_long_label(parts: list[dict]) -> dict:
    """Long-label slices of several runs (each at its own thresholds) summed into one."""
    out = {}
    for name, key in (("benign", "fpr"), ("malicious", "detection")):
        rows = sum(f[name]["rows"] for f in parts)
        f = {"rows": rows}
        if rows:
            for verdict in ("suspicious", "malicious"):
                hits = sum(f2[name].get(f"{key}_hits_at_{verdict}", 0) for f2 in parts)
                f[f"{key}_at_{verdict}"] = round(hits / rows, 6)
                f[f"{key}_hits_at_{verdict}"] = hits
        out[name] = f
    return out


class Evaluator:
    def __init__(self, spec, X, rows, params, fprs, rule, cap=None, left_out_rows="test", text=None,
                 long_label=None, policies=None):
        # rule: train.py's threshold rule ({"on": ..., "min_source_rows": ..., "source_cap": ...}); a number is
        # the hardest-source rule with that many validation rows (older callers).
        if not isinstance(rule, dict):
            rule = {"on": "hardest-source", "min_source_rows": int(rule)}
        self.spec, self.X, self.rows, self.fprs, self.rule = spec, X, rows, fprs, rule
        # Other threshold policies measured on the same throw-away models (--policy): thresholds only, no retraining.
        self.policies = dict(policies or {})
        self.long_label = long_label
        self.long = (np.array([len(registrable_label(r["site"])) > long_label for r in rows])
                     if long_label is not None else None)
        self.params = dict(params)
        # A text model (email/3 on) is refitted with every throw-away model, on its training rows only,
        # so a left-out source or later mail never reaches the text column through it.
        self.text_opts = {k: self.params.pop(k) for k in list(self.params) if k.startswith("text_")}
        self.text_c = float(self.text_opts.get("text_c", 4.0))
        self.text_intercept = bool(self.text_opts.get("text_intercept", True))
        self.text_groups = text_fold_groups(rows, str(self.text_opts.get("text_folds", "site")))
        self.text = text
        self.cap = cap
        self.left_out_rows = left_out_rows
        self.y = np.array([int(r["label"]) for r in rows], dtype=np.int64)
        self.split = np.array([r["split"] for r in rows])
        self.src = np.array([r["source"] for r in rows])
        self.lineage = np.array([r.get("lineage") or r["source"] for r in rows])
        # Benign sources left out of a second AUC of each malicious source (--auc-benign-except), so a
        # version that adds a benign source can be compared with one whose benign pool lacked it.
        self.benign_except: tuple = ()
        self.date = np.array([r.get("date") or "" for r in rows])
        self.group = np.array([r.get("group") or "" for r in rows])

    def fit(self, train_mask: np.ndarray):
        idx = np.flatnonzero(train_mask)
        scale = np.ones(len(idx))
        if self.cap:
            # A seeded sample of at most `cap` training rows per source, each standing for the rows it replaces,
            # so every source keeps its weight in training while throw-away models train faster.
            rng = np.random.default_rng(SEED)
            keep, scale = [], []
            for s in sorted(set(self.src[idx].tolist())):
                sel = idx[self.src[idx] == s]
                pick = np.sort(rng.choice(sel, size=self.cap, replace=False)) if len(sel) > self.cap else sel
                keep.append(pick)
                scale.append(np.full(len(pick), len(sel) / len(pick)))
            idx, scale = np.concatenate(keep), np.concatenate(scale)
        w = sample_weights(self.spec, self.rows, self.y, idx, scale)
        if self.text is not None:
            col = list(self.spec["feature_names"]).index((self.spec.get("text_vocab_model") or self.spec["text_model"])["column"])
            fill_text_column(self.X, col, self.text, self.y, idx, w, self.text_groups, self.text_c, self.text_intercept)
        return make_model(self.params).fit(self.X[idx], self.y[idx], sample_weight=w)

    def run(self, train_mask, val_mask, test_mask, exclude_from_thresholds=()) -> dict:
        model = self.fit(train_mask)
        pv = model.predict_proba(self.X[val_mask])[:, 1]
        thresholds, chosen_by, _ = verdict_thresholds(self.rule, pv, self.y[val_mask], self.src[val_mask], self.fprs,
                                                      exclude_from_thresholds)
        pt = model.predict_proba(self.X[test_mask])[:, 1]
        yt, st = self.y[test_mask], self.src[test_mask]
        figures = source_figures(pt, yt, st, sorted(set(st.tolist())), pt[yt == 0], pt[yt == 1], thresholds)
        if self.benign_except:
            pool = pt[(yt == 0) & ~np.isin(st, self.benign_except)]
            for s, f in figures.items():
                if f["label"] == "malicious":
                    ps = pt[st == s]
                    f["roc_auc_vs_benign_except"] = round(auc(np.r_[np.ones(len(ps)), np.zeros(len(pool))], np.r_[ps, pool]), 6)
        out = {"thresholds": {k: round(v, 6) for k, v in thresholds.items()}, "thresholds_set_by": chosen_by,
               "sources": figures}
        if self.long is not None:
            lt = self.long[test_mask]
            out["long_label"] = {"min_length_exclusive": self.long_label, **long_label_figures(pt, yt, lt, thresholds)}
            # Per source, for the left-out run (a held-out source's own slice).
            out["long_label_by_source"] = {s: long_label_figures(pt, yt, lt & (st == s), thresholds)
                                           for s in sorted(set(st[lt].tolist()))}
        # Slices of malicious sources (DGA family, a phishing theme): same figures, never pooled with benign.
        gt = self.group[test_mask]
        sliced = np.array([f"{a}/{b}" if b and y else "" for a, b, y in zip(st, gt, yt)])
        names = sorted(set(sliced.tolist()) - {""})
        if names:
            out["groups"] = source_figures(pt, yt, sliced, names, pt[yt == 0], pt[yt == 1], thresholds)
        if self.policies:
            out["policies"] = {}
            for name, fprs in self.policies.items():
                th, by, _ = verdict_thresholds(self.rule, pv, self.y[val_mask], self.src[val_mask], fprs,
                                               exclude_from_thresholds)
                pol = {"fprs": fprs, "thresholds": {k: round(v, 6) for k, v in th.items()}, "thresholds_set_by": by,
                       "sources": verdict_figures(pt, yt, st, th)}
                if self.long is not None:
                    lt = self.long[test_mask]
                    pol["long_label_by_source"] = {s: long_label_figures(pt, yt, lt & (st == s), th)
                                                   for s in sorted(set(st[lt].tolist()))}
                out["policies"][name] = pol
        return out

    def with_features(self, export: Path) -> "Evaluator":
        """The same rows with another export's features (counts built without a source, see --loso-export)."""
        _, _, X, rows = load_export(export)
        if [r["indicator"] for r in rows] != [r["indicator"] for r in self.rows]:
            sys.exit(f"{export}: rows differ from the main export (same sources, same order needed)")
        ev = Evaluator(self.spec, X, self.rows, {**self.params, **self.text_opts}, self.fprs, self.rule, self.cap,
                       self.left_out_rows, self.text, self.long_label, self.policies)
        ev.benign_except = self.benign_except
        return ev

    def in_distribution(self) -> dict:
        return self.run(self.split == "train", self.split == "val", self.split == "test")

    def leave_one_source_out(self, only=None, exports=None) -> dict:
        out = {}
        base_test = self.split == "test"
        for s in sorted(set(self.src.tolist())):
            if only and s not in only:
                continue
            t0 = time.time()
            gone = (self.src == s) | (self.lineage == s)
            ev = self if not exports or s not in exports else self.with_features(exports[s])
            held = (self.src == s) if self.left_out_rows == "all" else base_test & (self.src == s)
            res = ev.run((self.split == "train") & ~gone, (self.split == "val") & ~gone,
                         (base_test & ~gone) | held, exclude_from_thresholds=(s,))
            f = res["sources"].get(s, {})
            if "long_label_by_source" in res:
                f = {**f, "long_label": res["long_label_by_source"].get(
                    s, long_label_figures(np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool), res["thresholds"]))}
            out[s] = {**f, "thresholds": res["thresholds"], "thresholds_set_by": res["thresholds_set_by"],
                      "seconds": round(time.time() - t0, 1)}
            if "policies" in res:
                out[s]["policies"] = {
                    name: {**pol["sources"].get(s, {}), "thresholds": pol["thresholds"],
                           "thresholds_set_by": pol["thresholds_set_by"],
                           **({"long_label": pol["long_label_by_source"].get(s, long_label_figures(
                               np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool), pol["thresholds"]))}
                              if "long_label_by_source" in pol else {})}
                    for name, pol in res["policies"].items()}
            print(f"  without {s}: {json.dumps(f)}", file=sys.stderr)
        return out

    def leave_one_group_out(self, sources) -> dict:
        """Per group (DGA family) of the given malicious sources: trained without the group's rows, its test rows scored."""
        out = {}
        for src in sources:
            for g in sorted(set(self.group[self.src == src].tolist()) - {""}):
                gone = (self.src == src) & (self.group == g)
                res = self.run((self.split == "train") & ~gone, (self.split == "val") & ~gone,
                               self.split == "test")
                f = res["groups"].get(f"{src}/{g}", {})
                out[f"{src}/{g}"] = {**f, "thresholds": res["thresholds"]}
                print(f"  without {src}/{g}: {json.dumps(f)}", file=sys.stderr)
        return out

    def leave_one_site_out(self, source: str) -> dict:
        """Per site of a benign source (a template organisation), a model trained without every row of that site
        (all splits), the site's rows all scored at that model's thresholds; the source's other sites stay in
        training and may set the thresholds. Pooled: each row counted once, scored by the model that never saw
        its site; AUC of the malicious test rows (each run's own) against the site, weighted by the site's rows."""
        sites = np.array([r["site"] for r in self.rows])
        per_site, hits_s, hits_m, rows, auc_sum = {}, 0, 0, 0, 0.0
        for site in sorted(set(sites[self.src == source].tolist())):
            t0 = time.time()
            gone = (self.src == source) & (sites == site)
            model = self.fit((self.split == "train") & ~gone)
            val = (self.split == "val") & ~gone
            pv = model.predict_proba(self.X[val])[:, 1]
            th, by, _ = verdict_thresholds(self.rule, pv, self.y[val], self.src[val], self.fprs)
            ps = model.predict_proba(self.X[gone])[:, 1]
            mal = (self.split == "test") & (self.y == 1)
            pm = model.predict_proba(self.X[mal])[:, 1]
            a = auc(np.r_[np.ones(len(pm)), np.zeros(len(ps))], np.r_[pm, ps])
            f = {"rows": int(len(ps)), "fpr_at_suspicious": round(rate(ps >= th["suspicious"]), 6),
                 "fpr_at_malicious": round(rate(ps >= th["malicious"]), 6), "roc_auc_malicious_vs_this": round(a, 6),
                 "thresholds": {k: round(v, 6) for k, v in th.items()}, "thresholds_set_by": by,
                 "seconds": round(time.time() - t0, 1)}
            per_site[site] = f
            hits_s += int((ps >= th["suspicious"]).sum())
            hits_m += int((ps >= th["malicious"]).sum())
            rows += len(ps)
            auc_sum += a * len(ps)
            print(f"  without {site}: {json.dumps(f)}", file=sys.stderr)
        pooled = {"rows": rows, "sites": len(per_site), "fpr_at_suspicious": round(hits_s / max(rows, 1), 6),
                  "fpr_at_malicious": round(hits_m / max(rows, 1), 6),
                  "roc_auc_malicious_vs_this_row_weighted": round(auc_sum / max(rows, 1), 6)}
        return {"source": source, "pooled": pooled, "sites": per_site}

    def later_in_time(self, cutoff: str | None) -> dict | None:
        dated = self.date != ""
        if not dated.any():
            return None
        if cutoff is None:  # the last fifth of the dated rows is "later"
            ds = sorted(self.date[dated].tolist())
            cutoff = ds[int(0.8 * len(ds))]
        before, after = dated & (self.date < cutoff), dated & (self.date >= cutoff)
        train = (self.split == "train") & (~dated | before)
        val = (self.split == "val") & (~dated | before)
        test = (self.split == "test") & (~dated | after)
        res = self.run(train, val, test)
        # Only the later rows of dated sources are the point: an undated malicious source would be scored on
        # its ordinary test split, so it is left out here; benign sources stay (their false positives).
        dated_sources = set(self.src[dated].tolist())
        res["sources"] = {s: f for s, f in res["sources"].items() if f["label"] == "benign" or s in dated_sources}
        if "groups" in res:
            res["groups"] = {g: f for g, f in res["groups"].items() if g.split("/")[0] in dated_sources}
        return {"cutoff": cutoff, "rule": "train: dated rows before the cut-off (train split) + undated rows (train split); "
                "test: dated rows from the cut-off on + undated rows, test split only (held-out sites)",
                "rows_before": int(before.sum()), "rows_after": int(after.sum()), **res}


def later_export(export: Path, params: dict, fprs: dict, rule: dict) -> dict:
    """later_in_time from an export whose split is already by time and whose counts saw only its train split."""
    spec, _, X, rows = load_export(export)
    ev = Evaluator(spec, X, rows, params, fprs, rule, text=load_text(export, spec, X.shape[0], rows))
    res = ev.in_distribution()
    return {"export": str(export), "rule": f"the export's own time split ({spec.get('split_mode')}); "
            "train/validation/test as exported, counts from its train split only", **res}


def summarise(result: dict) -> dict:
    loso = result["leave_one_source_out"]
    mal = {s: f["roc_auc_vs_benign"] for s, f in loso.items() if f.get("label") == "malicious" and f.get("roc_auc_vs_benign") is not None}
    ben = {s: f for s, f in loso.items() if f.get("label") == "benign"}
    out = {
        "macro_roc_auc_left_out_malicious_sources": round(float(np.mean(list(mal.values()))), 6) if mal else None,
        "min_roc_auc_left_out_malicious_source": round(min(mal.values()), 6) if mal else None,
        "macro_roc_auc_left_out_malicious_sources_vs_benign_except": (
            round(float(np.mean([f["roc_auc_vs_benign_except"] for f in loso.values() if "roc_auc_vs_benign_except" in f])), 6)
            if any("roc_auc_vs_benign_except" in f for f in loso.values()) else None),
        "max_fpr_at_malicious_left_out_benign_source": max((f["fpr_at_malicious"] for f in ben.values()), default=None),
        "max_fpr_at_suspicious_left_out_benign_source": max((f["fpr_at_suspicious"] for f in ben.values()), default=None),
        "max_fpr_at_malicious_benign_source_in_distribution": max(
            (f["fpr_at_malicious"] for f in result["in_distribution"]["sources"].values() if f["label"] == "benign"), default=None),
        "max_fpr_at_suspicious_benign_source_in_distribution": max(
            (f["fpr_at_suspicious"] for f in result["in_distribution"]["sources"].values() if f["label"] == "benign"), default=None),
    }
    logo = result.get("leave_one_group_out")
    if logo:
        aucs = [f["roc_auc_vs_benign"] for f in logo.values() if f.get("roc_auc_vs_benign") is not None]
        out["mean_roc_auc_left_out_group"] = round(float(np.mean(aucs)), 6) if aucs else None
        out["min_roc_auc_left_out_group"] = round(min(aucs), 6) if aucs else None
    parts = [f["long_label"] for f in loso.values() if "long_label" in f]
    if parts:
        out["long_label_left_out"] = pool_long_label(parts)
        # The same without derived rows (synthetic subdomain variants of benign names): real names only.
        derived = set(result.get("derived_sources", []))
        real = [f["long_label"] for s, f in loso.items() if "long_label" in f and s not in derived]
        if derived and real:
            out["long_label_left_out_real_sources"] = pool_long_label(real)
    if "long_label" in result["in_distribution"]:
        ll = result["in_distribution"]["long_label"]
        out["long_label_in_distribution"] = {k: ll[k] for k in ("benign", "malicious")}
    for src, f in (result.get("leave_one_site_out") or {}).items():
        out[f"left_out_sites_{src}"] = f["pooled"]
    lt = result.get("later_in_time")
    if lt:
        later = [f["roc_auc_vs_benign"] for f in lt["sources"].values() if f["label"] == "malicious"]
        out["macro_roc_auc_later_in_time"] = round(float(np.mean(later)), 6) if later else None
    if result.get("policies"):
        out["policies"] = {name: summarise_policy(result, name) for name in result["policies"]}
    return out


def summarise_policy(result: dict, name: str) -> dict:
    """One --policy on the same runs: worst left-out real benign source per verdict, the sources over the issue's
    targets (1% malicious, 4% suspicious), detection of each left-out malicious source, and the long-label slice."""
    derived = set(result.get("derived_sources", []))
    loso = {s: f for s, f in result["leave_one_source_out"].items() if "policies" in f}
    ben = {s: f["policies"][name] for s, f in loso.items() if f.get("label") == "benign" and s not in derived}
    mal = {s: f["policies"][name] for s, f in loso.items() if f.get("label") == "malicious"}
    targets = {"suspicious": 0.04, "malicious": 0.01}
    out = {"fprs": result["policies"][name], "targets": targets}
    for v, target in targets.items():
        out[f"max_fpr_at_{v}_left_out_real_benign_source"] = max((f[f"fpr_at_{v}"] for f in ben.values()), default=None)
        out[f"left_out_real_benign_sources_over_target_at_{v}"] = sorted(
            s for s, f in ben.items() if f[f"fpr_at_{v}"] > target)
    out["left_out_malicious_detection"] = {s: {k: f[k] for k in ("detection_at_suspicious", "detection_at_malicious")}
                                           for s, f in mal.items()}
    real = [f["long_label"] for s, f in ben.items() if "long_label" in f]
    if real:
        out["long_label_left_out_real_sources"] = pool_long_label(real)
    ind = result["in_distribution"].get("policies", {}).get(name)
    if ind:
        out["in_distribution_thresholds"] = ind["thresholds"]
        out["in_distribution"] = ind["sources"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--out", type=Path, help="write the JSON result here (default: stdout only)")
    ap.add_argument("--metadata", type=Path, help="store the result in this metadata.json as out_of_source_evaluation")
    ap.add_argument("--max-iter", type=int, help="trees per throw-away model (default: the export's train_params)")
    ap.add_argument("--max-train-rows-per-source", type=int, help="throw-away models train on a seeded sample of at most this many rows per source (weighted up to stand for the rest)")
    ap.add_argument("--malicious-fpr", type=float,
                    help="default: the sources file's threshold_policy (the served model's), else 0.005")
    ap.add_argument("--suspicious-fpr", type=float,
                    help="default: the sources file's threshold_policy (the served model's), else 0.02")
    ap.add_argument("--policy", action="append", default=[], metavar="NAME=SUSPICIOUS_FPR,MALICIOUS_FPR",
                    help="also measure the run's threshold rule at these validation FPRs on the same throw-away "
                         "models (thresholds only; e.g. tight=0.01,0.0025), reported per run and in summary.policies")
    ap.add_argument("--min-threshold-rows", type=int, default=200, help="a benign source needs this many validation rows to set a threshold")
    ap.add_argument("--thresholds-on", choices=("hardest-source", "source-capped"),
                    help="the threshold rule of every run (train.py's): default the sources file's threshold_policy, else "
                         "hardest-source")
    ap.add_argument("--threshold-source-cap", type=float,
                    help="with source-capped: validation rows a benign source counts as at most (default: the sources "
                         "file's threshold_policy source_cap, else 200)")
    ap.add_argument("--sources", nargs="*", help="leave out only these sources (default: every source)")
    ap.add_argument("--leave-one-site-out", action="append", default=[], metavar="SOURCE",
                    help="also leave out each site (split key: a template organisation) of this benign source in turn, "
                         "the source's other sites staying in training")
    ap.add_argument("--time-cutoff", help="yyyy-mm-dd; default: the date that leaves the last 20%% of dated rows after it")
    ap.add_argument("--skip-loso", action="store_true")
    ap.add_argument("--auc-benign-except", action="append", default=[], metavar="SOURCE",
                    help="also report each malicious source's AUC against the benign test rows without these sources "
                         "(roc_auc_vs_benign_except; summary macro_..._vs_benign_except): compares a version that adds a "
                         "benign source with one whose benign pool lacked it")
    ap.add_argument("--leave-group-out", nargs="*", default=[], help="also leave out each group (e.g. DGA family) of these sources in turn")
    ap.add_argument("--mask-features", help="regex: features whose names match are set to 0 everywhere (e.g. 'tld|suffix', to see what a model learns without the public suffix)")
    ap.add_argument("--slice", action="append", default=[], metavar="NAME=REGEX",
                    help="report malicious rows whose indicator matches REGEX as slice NAME (replaces the group column), e.g. homepage='^[a-z]+://[^/]+/$'")
    ap.add_argument("--long-label", type=int, metavar="N",
                    help="also report the slice of rows whose registrable label is longer than N characters: false "
                         "positives of its benign rows and detection of its malicious rows at each verdict, per run and "
                         "pooled over the left-out sources (e.g. 20: long multi-word benign names)")
    ap.add_argument("--long-label-weight", type=float, metavar="W",
                    help="weigh benign rows of real sources whose registrable label is longer than --long-label N "
                         "characters W times in training (overrides the export's long_label_weight; 1: unweighted)")
    ap.add_argument("--train-param", action="append", default=[], metavar="KEY=JSON",
                    help="override one of the export's train_params for these throw-away models (e.g. text_c=0.5, "
                         "text_intercept=false): an ablation without another export")
    ap.add_argument("--store", type=Path, help="store this earlier result (a JSON --out file) in --metadata instead of evaluating again")
    ap.add_argument("--loso-export", action="append", default=[], metavar="SOURCE=DIR",
                    help="features for leaving out SOURCE: an export of the same rows whose learned counts exclude it")
    ap.add_argument("--later-in-time-export", type=Path,
                    help="features for the later-in-time run: an export of the same rows whose assets were learned "
                         "from rows before its cut-off only (DIR/cutoff.json, export-domain.ts --later-than)")
    ap.add_argument("--later-export", type=Path,
                    help="an export split by time (counts from its train split only): its figures become later_in_time")
    ap.add_argument("--left-out-rows", choices=("test", "all"), default="test",
                    help="which rows of a left-out source are scored: its test split (held-out sites), or all of them "
                         "(none was trained on; more rows for small sources, but a site it shares with another source "
                         "may have been trained on there)")
    args = ap.parse_args()
    if args.store:
        if not args.metadata:
            sys.exit("--store needs --metadata")
        store(args.metadata, json.loads(args.store.read_text()))
        return

    t0 = time.time()
    spec, names, X, rows = load_export(args.export)
    policy = spec.get("threshold_policy", {})
    if args.thresholds_on is None:
        args.thresholds_on = policy.get("on", "hardest-source")
    if args.thresholds_on == "pooled":
        sys.exit("evaluate.py measures the hardest-source and source-capped threshold rules only")
    if args.threshold_source_cap is None:
        args.threshold_source_cap = float(policy.get("source_cap", 200))
    rule = {"on": args.thresholds_on, "min_source_rows": args.min_threshold_rows,
            **({"source_cap": args.threshold_source_cap} if args.thresholds_on == "source-capped" else {}),
            **({"source_fprs": policy["source_fprs"]} if policy.get("source_fprs") else {})}
    if rule.get("source_fprs") and args.thresholds_on != "hardest-source":
        sys.exit("threshold_policy source_fprs applies to the hardest-source rule only")
    if args.suspicious_fpr is None:
        args.suspicious_fpr = float(policy.get("suspicious_fpr", 0.02))
    if args.malicious_fpr is None:
        args.malicious_fpr = float(policy.get("malicious_fpr", 0.005))
    if args.mask_features:
        import re
        masked = [j for j, n in enumerate(names) if re.search(args.mask_features, n)]
        X[:, masked] = 0
        print(f"masked: {[names[j] for j in masked]}", file=sys.stderr)
    if args.long_label_weight is not None:
        if args.long_label is None:
            sys.exit("--long-label-weight needs --long-label N")
        spec["long_label_weight"] = {"min_length_exclusive": args.long_label, "weight": args.long_label_weight}
    params = {"max_iter": 200, "max_depth": 8, "learning_rate": 0.1, **spec.get("train_params", {})}
    if args.max_iter:
        params["max_iter"] = args.max_iter
    for kv in args.train_param:
        k, v = kv.split("=", 1)
        params[k] = json.loads(v)
        spec.setdefault("train_params", {})[k] = params[k]
    fprs = {"suspicious": args.suspicious_fpr, "malicious": args.malicious_fpr}
    policies = dict(parse_policy(p) for p in args.policy)
    ev = Evaluator(spec, X, rows, params, fprs, rule, args.max_train_rows_per_source, args.left_out_rows,
                   load_text(args.export, spec, X.shape[0], rows), args.long_label, policies)
    ev.benign_except = tuple(args.auc_benign_except)
    if args.slice:
        import re
        slices = [(n, re.compile(rx)) for n, rx in (s.split("=", 1) for s in args.slice)]
        ev.group = np.array([next((n for n, rx in slices if rx.search(r["indicator"])), "") for r in rows])
    result = {
        "command": " ".join(["python3", sys.argv[0], *sys.argv[1:]]),
        "params": params,
        "max_train_rows_per_source": args.max_train_rows_per_source,
        **({"masked_features": args.mask_features} if args.mask_features else {}),
        **({"auc_benign_except": args.auc_benign_except} if args.auc_benign_except else {}),
        **({"long_label": args.long_label} if args.long_label is not None else {}),
        **({"long_label_weight": spec["long_label_weight"]} if spec.get("long_label_weight") else {}),
        "derived_sources": sorted(s["name"] for s in spec.get("sources", []) if s.get("format") == "derived"),
        "threshold_policy": (f"per verdict, the highest threshold that keeps any single benign source (>= {args.min_threshold_rows} "
                             f"validation rows) at {args.suspicious_fpr:.2%} (suspicious) / {args.malicious_fpr:.2%} (malicious) "
                             "validation FPR; a left-out source never sets its own threshold"
                             if rule["on"] == "hardest-source" else
                             f"per verdict, {args.suspicious_fpr:.2%} (suspicious) / {args.malicious_fpr:.2%} (malicious) FPR of "
                             f"the validation ham of all benign sources pooled, each counting as at most "
                             f"{args.threshold_source_cap:g} rows; a left-out source is not in the pool"),
        "threshold_rule": rule,
        **({"policies": policies} if policies else {}),
        "in_distribution": ev.in_distribution(),
    }
    print(f"in-distribution done ({time.time() - t0:.0f}s)", file=sys.stderr)
    loso_exports = dict(a.split("=", 1) for a in args.loso_export)
    result["leave_one_source_out"] = {} if args.skip_loso else ev.leave_one_source_out(
        args.sources, {s: Path(d) for s, d in loso_exports.items()})
    if loso_exports:
        result["loso_exports"] = loso_exports
    if args.leave_one_site_out:
        result["leave_one_site_out"] = {s: ev.leave_one_site_out(s) for s in args.leave_one_site_out}
    if args.leave_group_out:
        result["leave_one_group_out"] = ev.leave_one_group_out(args.leave_group_out)
    if args.later_export is not None:
        lt = later_export(args.later_export, params, fprs, rule)
    elif args.later_in_time_export is not None:
        cutoff = json.loads((args.later_in_time_export / "cutoff.json").read_text())["cutoff"]
        if args.time_cutoff and args.time_cutoff != cutoff:
            sys.exit(f"--time-cutoff {args.time_cutoff} differs from {args.later_in_time_export}'s cut-off {cutoff}")
        lt = ev.with_features(args.later_in_time_export).later_in_time(cutoff)
        lt["assets"] = f"learned from rows before the cut-off only ({args.later_in_time_export})"
    else:
        lt = ev.later_in_time(args.time_cutoff)
        if lt is not None:
            lt["assets"] = "learned from the whole training split, later rows included"
    if lt is not None:
        result["later_in_time"] = lt
    result["summary"] = summarise(result)
    result["seconds"] = round(time.time() - t0, 1)
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    if args.metadata:
        store(args.metadata, result)
    print(json.dumps(result["summary"], indent=1))


def store(metadata: Path, result: dict) -> None:
    meta = json.loads(metadata.read_text())
    meta["out_of_source_evaluation"] = result
    metadata.write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main()
