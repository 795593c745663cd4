#!/usr/bin/env python3
"""One fold of an email export: the rows of some sources only, written as an export train.py reads.

The organisation-split evaluation (models/training/email-4-sources.json, `folds`) trains a model
without some organisations' and products' mail and scores that mail served, end to end
(scripts/email/eval-served.ts). Exporting every fold again would parse every message again; the rows,
their features and text vectors do not depend on which other sources sit beside them (the split is by
each row's own site), so a fold is the full export with the other sources' rows dropped.

    python3 models/training/subset-export.py --export WORK --out WORK-fold1 \
        --sources-file models/training/email-4-sources.json --fold 1

keeps every source that no fold names plus the fold's `train` sources, and drops the fold's `evaluate`
sources and the other folds' `train` sources.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np


def fold_sources(sources_file: Path, fold: str) -> tuple[set[str], set[str]]:
    spec = json.loads(sources_file.read_text())
    folds = spec.get("folds") or {}
    if fold not in folds:
        sys.exit(f"{sources_file} has no fold {fold!r} (folds: {sorted(folds)})")
    named = {n for f in folds.values() for k in ("train", "evaluate") for n in f[k]}
    keep = {s["name"] for s in spec["sources"] if s["name"] not in named} | set(folds[fold]["train"])
    return keep, named - keep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--sources-file", required=True, type=Path)
    ap.add_argument("--fold", required=True)
    args = ap.parse_args()

    keep, dropped = fold_sources(args.sources_file, args.fold)
    spec = json.loads((args.export / "spec.json").read_text())
    width = len(spec["feature_names"])
    with open(args.export / "rows.tsv", newline="") as f:
        lines = f.read().split("\n")
    header, body = lines[0], [x for x in lines[1:] if x != ""]
    src = np.array([x.split("\t")[2] for x in body])  # no field holds a tab (the export writes none)
    mask = np.isin(src, sorted(keep))
    unknown = set(src.tolist()) - keep - dropped
    if unknown:
        sys.exit(f"rows of sources the sources file does not name: {sorted(unknown)}")

    args.out.mkdir(parents=True, exist_ok=True)
    X = np.fromfile(args.export / "features.f32", dtype=np.float32).reshape(-1, width)
    if X.shape[0] != len(body):
        sys.exit(f"rows.tsv has {len(body)} rows but features.f32 has {X.shape[0]}")
    X[mask].tofile(args.out / "features.f32")
    (args.out / "rows.tsv").write_text("\n".join([header, *[b for b, m in zip(body, mask) if m]]) + "\n")

    if (args.export / "text_indptr.u32").exists():
        indptr = np.fromfile(args.export / "text_indptr.u32", dtype=np.uint32).astype(np.int64)
        indices = np.fromfile(args.export / "text_indices.u32", dtype=np.uint32)
        values = np.fromfile(args.export / "text_values.f32", dtype=np.float32)
        rows = np.flatnonzero(mask)
        lengths = indptr[rows + 1] - indptr[rows]
        take = np.concatenate([np.arange(indptr[r], indptr[r + 1]) for r in rows]) if len(rows) else np.array([], dtype=np.int64)
        np.concatenate([[0], np.cumsum(lengths)]).astype(np.uint32).tofile(args.out / "text_indptr.u32")
        indices[take].tofile(args.out / "text_indices.u32")
        values[take].tofile(args.out / "text_values.f32")
    if (args.export / "text_lang.txt").exists():
        langs = (args.export / "text_lang.txt").read_text().split("\n")[: len(body)]
        (args.out / "text_lang.txt").write_text("\n".join(l for l, m in zip(langs, mask) if m) + "\n")
    for extra in ("text_keys.txt", "key_indptr.u32"):
        if (args.export / extra).exists():
            sys.exit(f"{extra}: vocabulary exports (email/4) are not subset by this script")
    if (args.export / "assets.json").exists():
        shutil.copy(args.export / "assets.json", args.out / "assets.json")

    spec["sources"] = [s for s in spec["sources"] if s["name"] in keep]
    spec["fold"] = {"of": str(args.sources_file), "fold": args.fold, "dropped_sources": sorted(dropped)}
    (args.out / "spec.json").write_text(json.dumps(spec, indent=2) + "\n")
    print(f"fold {args.fold}: {int(mask.sum())} of {len(body)} rows; sources kept {sorted(keep)}; dropped {sorted(dropped)}")


if __name__ == "__main__":
    main()
