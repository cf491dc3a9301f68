"""Central finite differences, to check a backward pass against.

Everything is computed in float64, whatever dtype the network uses: finite
differences in float32 are too noisy to check anything.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .network import Network

__all__ = ["numerical_gradient", "GradCheckResult", "check_gradients"]

#: Default step h of the central difference (f(x + h) - f(x - h)) / 2h.
DEFAULT_STEP = 1e-6
#: Default tolerances: an entry passes when |g - g_num| <= atol + rtol |g_num|.
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


def numerical_gradient(
    fun: Callable[[np.ndarray], float], x: np.ndarray, h: float = DEFAULT_STEP
) -> np.ndarray:
    """Central-difference gradient of a scalar ``fun`` at ``x``.

    Returns an array of the shape of ``x`` (float64). ``x`` is restored
    entry by entry, so a parameter array may be passed in place.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = fun(x)
        x[idx] = old - h
        f_minus = fun(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


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
    at its own parameter values with float64 arithmetic. A NaN anywhere
    fails the check.
    """
    net64 = _as_float64(net)
    X = net64.check_inputs(X)
    Y = net64.check_targets(Y, X.shape[1])
    _, grads = net64.gradient(X, Y)
    analytic = [g for l in range(1, net64.L + 1) for g in (grads.dW[l], grads.db[l])]
    names = net64.parameter_names()
    worst, worst_score = (names[0], (0,)), -1.0
    max_abs = max_rel = 0.0
    for name, p, g in zip(names, net64.parameters(), analytic):
        g_num = numerical_gradient(lambda _: net64.cost(X, Y), p, h)
        err = np.abs(g - g_num)
        bound = atol + rtol * np.abs(g_num)
        score = np.where(np.isnan(err), np.inf, err / bound)
        i = np.unravel_index(np.argmax(score), score.shape)
        if score[i] > worst_score:
            worst, worst_score = (name, tuple(int(k) for k in i)), score[i]
        scale = np.maximum(np.abs(g), np.abs(g_num))
        rel = np.divide(err, scale, out=np.zeros_like(err), where=scale > 0)
        max_abs = max(max_abs, float(np.max(err)))
        max_rel = max(max_rel, float(np.max(rel)))
    passed = bool(np.isfinite(worst_score) and worst_score <= 1.0)
    if not np.isfinite(max_abs):
        passed = False
    return GradCheckResult(passed, worst, max_abs, max_rel)


def _as_float64(net: Network) -> Network:
    """A float64 copy of ``net`` with the same parameter values."""
    copy = Network.__new__(Network)
    copy.__dict__.update(net.__dict__)
    copy.dtype = np.dtype(np.float64)
    copy.W = [None] + [w.astype(np.float64) for w in net.W[1:]]
    copy.b = [None] + [b.astype(np.float64) for b in net.b[1:]]
    return copy
