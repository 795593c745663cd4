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
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

FOLDS = 5


def load_text(export: Path, spec: dict, n_rows: int, rows: list | None = None):
    """The hashed text vectors (email/3), with each row's language (email/6, a LanguageText), the vocabulary keys
    (email/4, a VocabText), or None."""
    if spec.get("text_vocab_model"):
        return VocabText(export, spec, n_rows, rows or [])
    tm = spec.get("text_model")
    if not tm:
        return None
    indptr = np.fromfile(export / "text_indptr.u32", dtype=np.uint32).astype(np.int64)
    indices = np.fromfile(export / "text_indices.u32", dtype=np.uint32).astype(np.int32)
    values = np.fromfile(export / "text_values.f32", dtype=np.float32).astype(np.float64)
    if len(indptr) != n_rows + 1:
        raise SystemExit(f"text vectors for {len(indptr) - 1} rows, features for {n_rows}")
    T = csr_matrix((values, indices, indptr), shape=(n_rows, int(tm["buckets"])))
    if tm.get("languages") and spec.get("train_params", {}).get("text_language_bias", True):
        langs = (export / tm["languages"]).read_text(encoding="utf-8").split("\n")[:-1]
        if len(langs) != n_rows:
            raise SystemExit(f"languages for {len(langs)} rows, features for {n_rows}")
        return LanguageText(T, np.array(langs))
    return T


def text_folds(train_idx: np.ndarray, groups: np.ndarray, y: np.ndarray):
    """(train, held-out) positions of train_idx for the out-of-fold logits. Groups named `source:...` (train.py
    text_folds=source) are few and each all one class: they are dealt to the folds class by class, largest first, so
    that every fold keeps a malicious corpus to learn from (a plain GroupKFold may hold all of them out at once).
    Other groups (sites) go to GroupKFold."""
    g = groups[train_idx]
    if not str(g[0]).startswith("source:"):
        yield from GroupKFold(n_splits=FOLDS).split(train_idx, groups=g)
        return
    yy = y[train_idx]
    names = sorted(set(g.tolist()))
    k = min(FOLDS, len(names))
    fold_of, slot = {}, 0
    for label in (1, 0):
        mine = sorted((n for n in names if yy[g == n].mean() >= 0.5) if label else
                      (n for n in names if yy[g == n].mean() < 0.5), key=lambda n: (-(g == n).sum(), n))
        for n in mine:
            fold_of[n] = slot % k
            slot += 1
    f = np.array([fold_of[n] for n in g])
    for i in range(k):
        yield np.flatnonzero(f != i), np.flatnonzero(f == i)


def fit_text(T: csr_matrix, y: np.ndarray, w: np.ndarray, c: float, intercept: bool = True) -> tuple[np.ndarray, float]:
    """Weights (float32, as served) and bias of an L2 logistic regression (bias 0 without an intercept)."""
    lr = LogisticRegression(C=c, solver="liblinear", max_iter=200, fit_intercept=intercept)
    lr.fit(T, y, sample_weight=w)
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0]) if intercept else 0.0


def logits(T: csr_matrix, coef32: np.ndarray, bias: float) -> np.ndarray:
    return (T @ coef32.astype(np.float64)) + bias


def fill_text_column(X: np.ndarray, col: int, T: csr_matrix, y: np.ndarray, train_idx: np.ndarray, w: np.ndarray,
                     sites: np.ndarray, c: float, intercept: bool = True) -> tuple[np.ndarray, float]:
    """Writes the text logit into X[:, col] (out of fold on train_idx, the full fit elsewhere); returns the full fit.
    `intercept` (train_params text_intercept, hashed models): without one, a text of words the model gives no
    weight scores 0 instead of the training mix's prior (the vocabulary model reads its own flag)."""
    if isinstance(T, (VocabText, LanguageText)):
        return T.fill(X, col, y, train_idx, w, sites, c, intercept)
    coef, bias = fit_text(T[train_idx], y[train_idx], w, c, intercept)
    X[:, col] = logits(T, coef, bias).astype(np.float32)
    for tr, ho in text_folds(train_idx, sites, y):
        cf, b = fit_text(T[train_idx[tr]], y[train_idx[tr]], w[tr], c, intercept)
        X[train_idx[ho], col] = logits(T[train_idx[ho]], cf, b).astype(np.float32)
    return coef, bias


def asset(coef32: np.ndarray, bias: float) -> dict:
    return {"buckets": int(len(coef32)), "bias": bias,
            "weights_f32_b64": base64.b64encode(coef32.astype("<f4").tobytes()).decode("ascii")}


class LanguageText:
    """The hashed vectors and each row's language (email/6: src/indicators/email/text-language.ts). The text model
    is fitted with one more column per language (1 on that language's rows), so that what the language alone
    explains (German mail is mostly phishing in these corpora: phishing_pot is multilingual, the ham English) is
    learned once, by that column, and not spread over the words every text in the language uses. The language
    columns are not served: the served bias is the fitted one plus the language columns' weights averaged over
    the training rows (by sample weight), so every language is scored as the training mix on average, and a
    message's score moves only with its words. Logits (out of fold and full) are the served ones."""

    def __init__(self, T: csr_matrix, langs: np.ndarray):
        self.T = T
        self.langs = langs
        self.shape = T.shape

    def fit(self, idx: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, intercept: bool):
        names = sorted(set(self.langs[idx].tolist()))
        col = {n: j for j, n in enumerate(names)}
        L = csr_matrix((np.ones(len(idx)), ([*range(len(idx))], [col[n] for n in self.langs[idx]])),
                       shape=(len(idx), len(names)))
        lr = LogisticRegression(C=c, solver="liblinear", max_iter=200, fit_intercept=intercept)
        lr.fit(hstack([self.T[idx], L]).tocsr(), y[idx], sample_weight=w)
        coef = lr.coef_[0]
        words = coef[: self.T.shape[1]].astype(np.float32)
        per_language = coef[self.T.shape[1]:]
        share = np.asarray(L.T @ w).ravel() / w.sum()
        bias = (float(lr.intercept_[0]) if intercept else 0.0) + float(share @ per_language)
        self.last_language_weights = dict(zip(names, (per_language - share @ per_language).round(3).tolist()))
        return words, bias

    def fill(self, X: np.ndarray, col: int, y: np.ndarray, train_idx: np.ndarray, w: np.ndarray, sites: np.ndarray,
             c: float, intercept: bool = True):
        coef, bias = self.fit(train_idx, y, w, c, intercept)
        language_weights = self.last_language_weights
        X[:, col] = logits(self.T, coef, bias).astype(np.float32)
        for tr, ho in text_folds(train_idx, sites, y):
            cf, b = self.fit(train_idx[tr], y, w[tr], c, intercept)
            X[train_idx[ho], col] = logits(self.T[train_idx[ho]], cf, b).astype(np.float32)
        self.last_language_weights = language_weights
        return coef, bias


class VocabText:
    """The words and pairs of every row (email/4 on: text_keys.txt, key_*.u32/f32), and the rules that choose a
    vocabulary from the rows a text model trains on:
    - `text_min_df`: a key needs this many training messages;
    - `text_min_corpora`: and occurrences in this many corpora (spec `text_vocab_model.corpus`: source -> corpus),
      since a word only one corpus uses names the corpus (its language, its list, its filler), not the class;
    - `text_intercept`: fit a bias (false: a message the model knows no word of scores 0, even odds).
    Keys outside the vocabulary weigh 0 in serving; their values still counted in each row's length (the export
    normalised over every key), so a message of mostly unknown words stays near the bias."""

    def __init__(self, export: Path, spec: dict, n_rows: int, rows: list):
        tv = spec["text_vocab_model"]
        self.keys = (export / "text_keys.txt").read_text(encoding="utf-8").split("\n")[:-1]
        if len(self.keys) != int(tv["keys"]):
            raise SystemExit(f"text_keys.txt has {len(self.keys)} keys, spec.json says {tv['keys']}")
        indptr = np.fromfile(export / "key_indptr.u32", dtype=np.uint32).astype(np.int64)
        indices = np.fromfile(export / "key_indices.u32", dtype=np.uint32).astype(np.int32)
        values = np.fromfile(export / "key_values.f32", dtype=np.float32).astype(np.float64)
        if len(indptr) != n_rows + 1:
            raise SystemExit(f"key vectors for {len(indptr) - 1} rows, features for {n_rows}")
        self.K = csr_matrix((values, indices, indptr), shape=(n_rows, len(self.keys)))
        self.corpus = np.array([tv["corpus"].get(r["source"], r["source"]) for r in rows])
        tp = spec.get("train_params", {})
        self.min_df = int(tp.get("text_min_df", 3))
        self.min_corpora = int(tp.get("text_min_corpora", 2))
        self.intercept = bool(tp.get("text_intercept", True))

    def vocabulary(self, idx: np.ndarray) -> np.ndarray:
        """Columns (ascending) that the rows idx may learn: enough messages, enough corpora."""
        B = self.K[idx].copy()
        B.data[:] = 1
        df = np.asarray(B.sum(axis=0)).ravel()
        corpora = np.zeros(self.K.shape[1], dtype=np.int32)
        for c in sorted(set(self.corpus[idx].tolist())):
            corpora += (np.asarray(B[self.corpus[idx] == c].sum(axis=0)).ravel() > 0)
        return np.flatnonzero((df >= self.min_df) & (corpora >= self.min_corpora))

    def fit(self, idx: np.ndarray, y: np.ndarray, w: np.ndarray, c: float):
        cols = self.vocabulary(idx)
        lr = LogisticRegression(C=c, solver="liblinear", max_iter=200, fit_intercept=self.intercept)
        lr.fit(self.K[idx][:, cols], y[idx], sample_weight=w)
        return cols, lr.coef_[0].astype(np.float32), float(lr.intercept_[0]) if self.intercept else 0.0

    def logits(self, rows: np.ndarray | slice, fit) -> np.ndarray:
        cols, coef32, bias = fit
        Kc = self.K[rows][:, cols]
        Kc.sort_indices()  # the sum runs in vocabulary order, as serving's does
        return (Kc @ coef32.astype(np.float64)) + bias

    def fill(self, X: np.ndarray, col: int, y: np.ndarray, train_idx: np.ndarray, w: np.ndarray, sites: np.ndarray,
             c: float, intercept: bool = True):
        """As fill_text_column (the vocabulary model reads its own intercept flag, text_intercept): out-of-fold logits on train_idx (each fold chooses its own vocabulary), the full fit elsewhere."""
        fit = self.fit(train_idx, y, w, c)
        X[:, col] = self.logits(slice(None), fit).astype(np.float32)
        for tr, ho in text_folds(train_idx, sites, y):
            f = self.fit(train_idx[tr], y, w[tr], c)
            X[train_idx[ho], col] = self.logits(train_idx[ho], f).astype(np.float32)
        return fit

    def asset(self, fit) -> dict:
        cols, coef32, bias = fit
        return {"vocabulary": [self.keys[j] for j in cols], "bias": bias,
                "weights_f32_b64": base64.b64encode(coef32.astype("<f4").tobytes()).decode("ascii")}
