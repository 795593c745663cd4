"""The linear text model of an export whose spec names `text_model` (email/3 on).

The exporter (the serving TypeScript code) wrote each row's hashed word/pair vector as CSR arrays
(text_indptr.u32, text_indices.u32, text_values.f32) and a column (`text_model.column`) left at 0.
`fill_text_column` fits an L2 logistic regression on the training rows and writes its logit into
that column:
- training rows get OUT-OF-FOLD logits (5 folds by site), so the trees downstream learn how far the
  text model can be trusted on mail it has not seen, not how well it remembers its own rows;
- every other row gets the logit of the model fitted on all training rows, which is what serving
  computes from the weights in assets.json.

The logit is scipy's sparse product (a sum from 0 in ascending bucket order of float32 weight times
float32 value, exact products in doubles) plus the bias: src/indicators/email/text-hash.ts computes
the same sum in the same order, so the golden rows match bit for bit.
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

FOLDS = 5


def load_text(export: Path, spec: dict, n_rows: int) -> csr_matrix | None:
    tm = spec.get("text_model")
    if not tm:
        return None
    indptr = np.fromfile(export / "text_indptr.u32", dtype=np.uint32).astype(np.int64)
    indices = np.fromfile(export / "text_indices.u32", dtype=np.uint32).astype(np.int32)
    values = np.fromfile(export / "text_values.f32", dtype=np.float32).astype(np.float64)
    if len(indptr) != n_rows + 1:
        raise SystemExit(f"text vectors for {len(indptr) - 1} rows, features for {n_rows}")
    return csr_matrix((values, indices, indptr), shape=(n_rows, int(tm["buckets"])))


def fit_text(T: csr_matrix, y: np.ndarray, w: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Weights (float32, as served) and bias of an L2 logistic regression."""
    lr = LogisticRegression(C=c, solver="liblinear", max_iter=200)
    lr.fit(T, y, sample_weight=w)
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def logits(T: csr_matrix, coef32: np.ndarray, bias: float) -> np.ndarray:
    return (T @ coef32.astype(np.float64)) + bias


def fill_text_column(X: np.ndarray, col: int, T: csr_matrix, y: np.ndarray, train_idx: np.ndarray, w: np.ndarray,
                     sites: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Writes the text logit into X[:, col] (out of fold on train_idx, the full fit elsewhere); returns the full fit."""
    coef, bias = fit_text(T[train_idx], y[train_idx], w, c)
    X[:, col] = logits(T, coef, bias).astype(np.float32)
    groups = sites[train_idx]
    for tr, ho in GroupKFold(n_splits=FOLDS).split(train_idx, groups=groups):
        cf, b = fit_text(T[train_idx[tr]], y[train_idx[tr]], w[tr], c)
        X[train_idx[ho], col] = logits(T[train_idx[ho]], cf, b).astype(np.float32)
    return coef, bias


def asset(coef32: np.ndarray, bias: float) -> dict:
    return {"buckets": int(len(coef32)), "bias": bias,
            "weights_f32_b64": base64.b64encode(coef32.astype("<f4").tobytes()).decode("ascii")}
