"""Activation functions f^l, each beside its derivative (f^l)'.

Every derivative is evaluated at the weighted input z^l, never at the
activation a^l = f^l(z^l). Elementwise functions return an array with the
shape of z. Softmax is not elementwise: its derivative is a Jacobian per
example, and it may only be used as the output activation.

Numerics: sigmoid, tanh and their derivatives are computed from
``exp(-abs(z))``, which never overflows, so they are exact to rounding for
any finite z (``abs(z)`` in the thousands included) and raise no overflow
warning.
ReLU's derivative at z = 0, where ReLU has a kink, is taken to be 0.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Activation",
    "sigmoid",
    "tanh",
    "relu",
    "identity",
    "softmax",
    "ACTIVATIONS",
    "get_activation",
]


@dataclass(frozen=True)
class Activation:
    """An activation f with its derivative f' (both take z).

    ``elementwise`` is False only for softmax, whose ``f_prime`` returns the
    stack of Jacobians of shape (m, K, K) instead of an array shaped like z.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    f_prime: Callable[[np.ndarray], np.ndarray]
    elementwise: bool = True

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows; both branches are exact for their sign.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    # sigma'(z) = e / (1 + e)^2 with e = exp(-|z|) (sigma' is even). The
    # textbook s (1 - s) loses all digits of 1 - s once s rounds near 1.
    e = np.exp(-np.abs(z))
    return e / ((1.0 + e) * (1.0 + e))


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    # tanh'(z) = 4 e / (1 + e)^2 with e = exp(-2|z|): exact where
    # 1 - tanh(z)^2 rounds to 0 (|z| > 19), and never overflows.
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def _relu_prime(z: np.ndarray) -> np.ndarray:
    # ReLU has a kink at 0 and no derivative there; bplib takes f'(0) = 0,
    # so a unit whose weighted input is exactly 0 passes back no error.
    return (z > 0).astype(z.dtype)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _identity_prime(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _softmax(z: np.ndarray) -> np.ndarray:
    # Shift each column (example) by its own maximum: exp never overflows.
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_prime(z: np.ndarray) -> np.ndarray:
    """Jacobians diag(s) - s s^T, shape (m, K, K) for z of shape (K, m)."""
    s = _softmax(z).T  # (m, K)
    jac = -s[:, :, None] * s[:, None, :]
    idx = np.arange(s.shape[1])
    jac[:, idx, idx] += s
    return jac


sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_prime)
tanh = Activation("tanh", np.tanh, _tanh_prime)
relu = Activation("relu", _relu, _relu_prime)
identity = Activation("identity", _identity, _identity_prime)
softmax = Activation("softmax", _softmax, _softmax_prime, elementwise=False)

ACTIVATIONS = {a.name: a for a in (sigmoid, tanh, relu, identity, softmax)}


def get_activation(spec: "str | Activation") -> Activation:
    """Return the activation named ``spec`` (or ``spec`` itself).

    Raises ValueError for an unknown name, TypeError for another type.
    """
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str):
        if spec not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {spec!r}; expected one of "
                f"{sorted(ACTIVATIONS)}"
            )
        return ACTIVATIONS[spec]
    raise TypeError(
        "activation must be a name or an Activation, got "
        f"{type(spec).__name__}"
    )
