"""Central finite differences, to check a backward pass against.

Everything is computed in float64, whatever dtype the network uses: finite
differences in float32 are too noisy to check anything.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .network import Network

__all__ = ["numerical_gradient", "GradCheckResult", "check_gradients"]

#: Default step h of the central difference (f(x + h) - f(x - h)) / 2h:
#: its truncation error is O(h^2), its rounding error about
#: 1e-16 abs(f) / h,
#: both near 1e-10 relative for h = 1e-6 in float64.
DEFAULT_STEP = 1e-6
#: Default tolerances: an entry passes when
#: ``abs(g - g_num) <= atol + rtol * abs(g_num)``.
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


def numerical_gradient(
    fun: Callable[[np.ndarray], float], x: np.ndarray, h: float = DEFAULT_STEP
) -> np.ndarray:
    """Central-difference gradient of a scalar ``fun`` at ``x``.

    ``x`` must be a float64 ndarray: it is perturbed IN PLACE, one entry
    at a time, and restored (also when ``fun`` raises), so a parameter
    array may be passed in place. An integer or float32 ``x`` would round
    x + h and give a silently wrong gradient, so it raises a TypeError.
    Returns an array of the shape of ``x`` (float64).
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = getattr(x, "dtype", type(x).__name__)
        raise TypeError(
            f"x must be a float64 numpy array (it is perturbed in place), "
            f"got {got}; pass x.astype(np.float64)"
        )
    _check_positive(h, "h")
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + h
            f_plus = fun(x)
            x[idx] = old - h
            f_minus = fun(x)
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def _check_positive(value, name: str, zero_ok: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (np.isfinite(value) and (value > 0 or zero_ok and value == 0)):
        need = ">= 0" if zero_ok else "> 0"
        raise ValueError(f"{name} must be finite and {need}, got {value!r}")


@dataclass
class GradCheckResult:
    """The outcome of ``check_gradients``.

    ``worst`` names the parameter and entry whose error is largest against
    the tolerance; ``max_rel_error`` is the largest
    ``|g - g_num| / max(|g|, |g_num|)`` over all entries (0 where both are
    0).
    """

    passed: bool
    worst: tuple[str, tuple[int, ...]]
    max_abs_error: float
    max_rel_error: float

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        name, idx = self.worst
        return (
            f"gradient check {verdict}: max abs error {self.max_abs_error:.2e}"
            f", max rel error {self.max_rel_error:.2e}, worst at {name}{idx}"
        )


def check_gradients(
    net: Network,
    X,
    Y,
    h: float = DEFAULT_STEP,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> GradCheckResult:
    """Compare ``net``'s backward pass with central differences.

    The network is copied to float64 first, so a float32 network is checked
    at its own parameter values with float64 arithmetic; ``net`` itself is
    not changed. An entry passes when
    ``abs(g - g_num) <= atol + rtol * abs(g_num)``
    (defaults DEFAULT_STEP = 1e-6, DEFAULT_RTOL = 1e-5, DEFAULT_ATOL =
    1e-8). A NaN or inf anywhere fails the check and shows in the errors.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    _check_positive(h, "h")
    _check_positive(rtol, "rtol", zero_ok=True)
    _check_positive(atol, "atol", zero_ok=True)
    net64 = _as_float64(net)
    X = net64.check_inputs(X)
    Y = net64.check_targets(Y, X.shape[1])
    _, grads = net64.gradient(X, Y)
    analytic = [
        g for l in range(1, net64.L + 1) for g in (grads.dW[l], grads.db[l])
    ]
    names = net64.parameter_names()
    worst, worst_score = (names[0], (0,)), -1.0
    max_abs = max_rel = 0.0
    for name, p, g in zip(names, net64.parameters(), analytic):
        g_num = numerical_gradient(lambda _: net64.cost(X, Y), p, h)
        with np.errstate(invalid="ignore"):
            err = np.abs(g - g_num)  # inf - inf gives NaN: a failure
        err[~np.isfinite(g) | ~np.isfinite(g_num)] = np.inf
        bound = atol + rtol * np.abs(g_num)
        # err / bound, where 0 / 0 (exact agreement, zero tolerance) is 0.
        score = np.divide(
            err, bound, out=np.where(err > 0, np.inf, 0.0), where=bound > 0
        )
        score[np.isinf(err)] = np.inf
        i = np.unravel_index(np.argmax(score), score.shape)
        if score[i] > worst_score:
            worst, worst_score = (name, tuple(int(k) for k in i)), score[i]
        scale = np.maximum(np.abs(g), np.abs(g_num))
        rel = np.divide(err, scale, out=np.zeros_like(err), where=scale > 0)
        rel[np.isinf(err)] = np.inf
        # np.max, not max(): Python's max silently drops a NaN.
        max_abs = float(np.max([max_abs, np.max(err)]))
        max_rel = float(np.max([max_rel, np.max(rel)]))
    passed = bool(worst_score <= 1.0)
    return GradCheckResult(passed, worst, max_abs, max_rel)


def _as_float64(net: Network) -> Network:
    """A float64 copy of ``net`` with the same parameter values."""
    copy = Network.__new__(Network)
    copy.__dict__.update(net.__dict__)
    copy.dtype = np.dtype(np.float64)
    copy.W = [None] + [w.astype(np.float64) for w in net.W[1:]]
    copy.b = [None] + [b.astype(np.float64) for b in net.b[1:]]
    return copy
