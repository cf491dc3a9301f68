"""Input checks for the public boundary of bplib.

Each check raises a ValueError or TypeError that names the argument, the
shape it expected and the shape it got. The training loop never calls
these: it runs on arrays already checked once.
"""

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_float_array(x, name: str, dtype=np.float64) -> np.ndarray:
    """Return ``x`` as a finite float array of ``dtype`` (a copy if cast)."""
    arr = _asarray(x, name)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must hold numbers, got an array of dtype {arr.dtype}"
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def _asarray(x, name: str) -> np.ndarray:
    """np.asarray, with an error that names the argument (ragged lists)."""
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{name} must be an array of numbers, got {type(x).__name__} "
            f"that numpy cannot turn into one ({err})"
        ) from None


def as_inputs(X, n_0: int, dtype=np.float64) -> np.ndarray:
    """Check a batch of inputs X of shape (n_0, m), m >= 1."""
    X = as_float_array(X, "X", dtype)
    if X.ndim == 1 and n_0 == X.shape[0]:
        raise ValueError(
            f"X must have shape (n_0, m) = ({n_0}, m) with examples as "
            f"columns, got a 1-D array of shape {X.shape}; use "
            "X.reshape(-1, 1) for a single example"
        )
    if X.ndim != 2 or X.shape[0] != n_0:
        raise ValueError(
            f"X must have shape (n_0, m) = ({n_0}, m) with examples as "
            f"columns, got shape {X.shape}"
        )
    if X.shape[1] == 0:
        raise ValueError("X is an empty batch (m = 0); need m >= 1")
    return X


def as_targets(Y, n_L: int, m: int, classes: bool, dtype=np.float64):
    """Return targets as a float array of shape (n_L, m).

    With ``classes`` (softmax cross-entropy), Y may be integer labels of
    shape (m,) in [0, n_L) or one-hot columns of shape (n_L, m). Otherwise
    Y has shape (n_L, m), or (m,) when n_L == 1. No shape is ever left to
    broadcast.
    """
    arr = _asarray(Y, "Y")
    if classes and arr.ndim == 1:
        return _one_hot(arr, n_L, m, dtype)
    if n_L == 1 and arr.ndim == 1 and not classes:
        if arr.shape[0] != m:
            raise ValueError(
                f"Y must have shape (1, m) = (1, {m}) or ({m},), "
                f"got shape {arr.shape}"
            )
        arr = arr.reshape(1, m)
    Y = as_float_array(arr, "Y", dtype)
    if Y.shape != (n_L, m):
        hint = " or integer labels of shape (m,)" if classes else ""
        raise ValueError(
            f"Y must have shape (n_L, m) = ({n_L}, {m}){hint}, "
            f"got shape {Y.shape}"
        )
    if classes and not (
        np.all((Y >= 0) & (Y <= 1)) and np.allclose(Y.sum(axis=0), 1.0)
    ):
        raise ValueError(
            "Y for cross-entropy must have entries in [0, 1] and columns "
            "that sum to 1 (one-hot or probabilities)"
        )
    return Y


def _one_hot(labels: np.ndarray, K: int, m: int, dtype) -> np.ndarray:
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"labels must be integers in [0, {K}), got dtype {labels.dtype}"
        )
    if labels.shape[0] != m:
        raise ValueError(
            f"labels must have shape (m,) = ({m},), got shape {labels.shape}"
        )
    if m and (labels.min() < 0 or labels.max() >= K):
        raise ValueError(
            f"labels must lie in [0, {K}), got values from {labels.min()} "
            f"to {labels.max()}"
        )
    Y = np.zeros((K, m), dtype=dtype)
    Y[labels, np.arange(m)] = 1
    return Y


def as_positive(value, name: str, integer: bool = False):
    """Check that a hyper-parameter is a positive (integer) number."""
    kind = (int, np.integer) if integer else (int, float, np.number)
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {what}, got {value!r}")
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return value


def check_parameters(W: list, b: list, sizes: tuple, dtype) -> None:
    """Check W[l] (n_l, n_{l-1}) and b[l] (n_l, 1), l = 1..L: ndarrays of
    ``dtype``, finite. Index 0 of both lists is unused (None)."""
    L = len(sizes) - 1
    for name, params in (("W", W), ("b", b)):
        if len(params) != L + 1:
            raise ValueError(
                f"{name} must list L + 1 = {L + 1} entries (index 0 unused) "
                f"for sizes {sizes}, got {len(params)}"
            )
    for l in range(1, L + 1):
        for name, p, shape in (
            (f"W[{l}]", W[l], (sizes[l], sizes[l - 1])),
            (f"b[{l}]", b[l], (sizes[l], 1)),
        ):
            if not isinstance(p, np.ndarray) or p.dtype != dtype:
                got = getattr(p, "dtype", type(p).__name__)
                raise TypeError(f"{name} must be a {dtype} array, got {got}")
            if p.shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape}, got shape {p.shape}"
                )
            # A sum is NaN or inf when any entry is; only then look closer
            # (a sum can also overflow on finite entries).
            if not np.isfinite(p.sum()) and not np.all(np.isfinite(p)):
                raise ValueError(f"{name} contains NaN or inf")
