"""Initial weights W^l of shape (n_l, n_{l-1}); biases start at zero.

Each initialiser takes the layer's shape and a numpy Generator, so that a
seeded network is reproducible bit for bit.
"""

from collections.abc import Callable

import numpy as np

__all__ = [
    "glorot_uniform",
    "he_normal",
    "standard_normal",
    "zeros",
    "INITIALISERS",
    "get_initialiser",
]

Initialiser = Callable[[int, int, np.random.Generator], np.ndarray]


def glorot_uniform(n_l: int, n_prev: int, rng: np.random.Generator):
    """U(-r, r) with r = sqrt(6 / (n_{l-1} + n_l)) (Glorot and Bengio)."""
    r = np.sqrt(6.0 / (n_prev + n_l))
    return rng.uniform(-r, r, size=(n_l, n_prev))


def he_normal(n_l: int, n_prev: int, rng: np.random.Generator):
    """N(0, 2 / n_{l-1}), suited to ReLU layers (He et al.)."""
    return rng.normal(0.0, np.sqrt(2.0 / n_prev), size=(n_l, n_prev))


def standard_normal(n_l: int, n_prev: int, rng: np.random.Generator):
    """N(0, 1) for every weight, whatever the width (often too large)."""
    return rng.standard_normal(size=(n_l, n_prev))


def zeros(n_l: int, n_prev: int, rng: np.random.Generator):
    """All zeros: every unit of a layer starts (and stays) identical."""
    return np.zeros((n_l, n_prev))


INITIALISERS: dict[str, Initialiser] = {
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "standard_normal": standard_normal,
    "zeros": zeros,
}


def get_initialiser(spec: "str | Initialiser") -> Initialiser:
    """Return the initialiser named ``spec`` (or ``spec`` if callable)."""
    if callable(spec):
        return spec
    if not isinstance(spec, str):
        raise TypeError(
            f"init must be a name or a callable, got {type(spec).__name__}"
        )
    if spec in INITIALISERS:
        return INITIALISERS[spec]
    raise ValueError(
        f"unknown initialiser {spec!r}; expected a callable or one of "
        f"{sorted(INITIALISERS)}"
    )
