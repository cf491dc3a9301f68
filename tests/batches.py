"""Seeded random batches shared by the unit tests."""

import numpy as np


def random_batch(net, m, seed):
    """Inputs X of shape (n_0, m) and targets for ``net``: integer labels
    of shape (m,) for a classifier, an (n_L, m) array otherwise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(net.sizes[0], m))
    if net.is_classifier:
        return X, rng.integers(0, net.sizes[-1], size=m)
    return X, rng.normal(size=(net.sizes[-1], m))
