"""Diagnostics of a network: dead units and the size of delta^l by layer.

Both take a batch X of shape (n_0, m) (and targets for ``delta_norms``)
and return a dict keyed by the book's layer number l, so that entry l
belongs to layer l of the book.
"""

import numpy as np

from .network import Network

__all__ = ["dead_units", "count_dead_units", "delta_norms"]


def dead_units(net: Network, X) -> dict[int, np.ndarray]:
    """Units of each hidden layer whose activation is 0 on every example.

    Returns {l: mask} for the hidden layers l = 1..L-1, each mask a bool
    array of shape (n_l,), True for unit j when a^l_j = 0 on every column
    of X (shape (n_0, m)). For ReLU this means z^l_j <= 0 on the whole
    batch, so (f^l)'(z^l_j) = 0 and the unit's incoming weights get no
    gradient from this batch. A unit is only dead with respect to X: an
    example outside X may still switch it on.
    """
    cache = net.forward(X)
    return {l: np.all(cache.a[l] == 0, axis=1) for l in range(1, net.L)}


def count_dead_units(net: Network, X) -> dict[int, int]:
    """{l: number of dead units in hidden layer l}, see ``dead_units``."""
    return {l: int(mask.sum()) for l, mask in dead_units(net, X).items()}


def delta_norms(net: Network, X, Y) -> dict[int, float]:
    """{l: ||delta^l||} for l = 1..L on the batch X (n_0, m), targets Y.

    The norm is the Frobenius norm of delta^l = dC/dz^l, shape (n_l, m),
    where C is the mean loss over the batch (so each column carries 1/m).
    """
    _, grads = net.gradient(X, Y)
    return {
        l: float(np.linalg.norm(grads.delta[l])) for l in range(1, net.L + 1)
    }
