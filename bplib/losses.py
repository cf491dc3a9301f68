"""Losses C, each beside its output error delta^L = dC/dz^L.

Targets Y have the shape of the output, (n_L, m): one column per example
(one-hot columns for classification). Every loss is the mean over the m
examples of the batch (the mean convention), so every gradient carries a
factor 1/m.

Each function checks that Y has exactly the shape of a^L (and z^L): with
columns as examples, a (1, m) output against (m, 1) or (m,) targets would
otherwise broadcast silently to an m x m array. The check compares shapes
only, so it costs nothing next to the arithmetic.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import Activation

__all__ = [
    "Loss",
    "squared_error",
    "cross_entropy",
    "LOSSES",
    "get_loss",
    "log_softmax",
]


@dataclass(frozen=True)
class Loss:
    """A loss C with the gradient dC/da^L and the output error delta^L.

    ``value(zL, aL, Y)`` returns the scalar C; ``grad_a(aL, Y)`` returns
    dC/da^L, shape (n_L, m); ``output_error(zL, aL, Y, f_L)`` returns
    delta^L, shape (n_L, m). ``outputs`` names the output activations the
    loss may follow.
    """

    name: str
    value: Callable[..., float]
    grad_a: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output_error: Callable[..., np.ndarray]
    outputs: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


def _same_shape(aL: np.ndarray, Y: np.ndarray, name: str = "Y") -> None:
    """Raise unless Y has the shape (n_L, m) of the output a^L (arrays)."""
    # Attribute look-ups, not np.shape: this runs once per training step.
    if getattr(Y, "shape", None) == getattr(aL, "shape", 0) and aL.ndim == 2:
        return
    raise ValueError(
        f"{name} must have the shape (n_L, m) = {np.shape(aL)} of the "
        f"output a^L, got shape {np.shape(Y)}; shapes are never broadcast"
    )


def _se_value(zL: np.ndarray, aL: np.ndarray, Y: np.ndarray) -> float:
    _same_shape(aL, Y)
    # C = (1/m) sum over examples of (1/2) ||a^L - y||^2
    diff = aL - Y
    return 0.5 * float(np.vdot(diff, diff)) / aL.shape[1]


def _se_grad_a(aL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    _same_shape(aL, Y)
    return (aL - Y) / aL.shape[1]


def _se_output_error(
    zL: np.ndarray, aL: np.ndarray, Y: np.ndarray, f_L: Activation
) -> np.ndarray:
    # delta^L = dC/da^L o (f^L)'(z^L), valid for elementwise f^L.
    if not f_L.elementwise:
        raise ValueError(
            f"squared_error's output error needs an elementwise f^L, "
            f"got {f_L.name}"
        )
    delta = _se_grad_a(aL, Y)
    if f_L.name != "identity":
        delta *= f_L.f_prime(zL)
    return delta


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) per column, via log-sum-exp; shape of z, (K, m)."""
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _ce_value(zL: np.ndarray, aL: np.ndarray, Y: np.ndarray) -> float:
    _same_shape(zL, Y)
    # C = -(1/m) sum_i y_i . log softmax(z_i), from the logits: never the
    # log of a probability that has underflowed to 0.
    return -float(np.vdot(Y, log_softmax(zL))) / zL.shape[1]


def _ce_grad_a(aL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    # dC/da = -y / a (elementwise), over m. Where y = 0 the term -y log a
    # is absent, so its derivative is 0 even if a has underflowed to 0
    # (never 0/0); where y > 0 and a = 0 it is -inf, honestly.
    _same_shape(aL, Y)
    m = aL.shape[1]
    grad = np.zeros(aL.shape, np.result_type(aL, Y))
    with np.errstate(divide="ignore"):
        np.divide(-Y, aL * m, out=grad, where=Y != 0)
    return grad


def _ce_output_error(
    zL: np.ndarray, aL: np.ndarray, Y: np.ndarray, f_L: Activation
) -> np.ndarray:
    # With softmax, the Jacobian product collapses to (a^L - y) / m.
    if f_L.name != "softmax":
        raise ValueError(
            f"cross_entropy's output error (a^L - y) / m holds for a "
            f"softmax output only, got {f_L.name}"
        )
    _same_shape(aL, Y)
    return (aL - Y) / aL.shape[1]


squared_error = Loss(
    "squared_error",
    _se_value,
    _se_grad_a,
    _se_output_error,
    outputs=("identity", "sigmoid"),
)
cross_entropy = Loss(
    "cross_entropy",
    _ce_value,
    _ce_grad_a,
    _ce_output_error,
    outputs=("softmax",),
)

LOSSES = {loss.name: loss for loss in (squared_error, cross_entropy)}


def get_loss(spec: "str | Loss") -> Loss:
    """Return the loss named ``spec`` (or ``spec`` itself)."""
    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, str):
        if spec not in LOSSES:
            raise ValueError(
                f"unknown loss {spec!r}; expected one of {sorted(LOSSES)}"
            )
        return LOSSES[spec]
    raise TypeError(
        f"loss must be a name or a Loss, got {type(spec).__name__}"
    )
