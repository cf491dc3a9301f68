"""The chain rule as a product of explicit matrices, for one example.

For an input x of shape (n_0, 1) and elementwise activations, the
derivative of the loss with respect to the input is the row vector

    dC/dx = dC/da^L  D^L W^L  D^{L-1} W^{L-1} ... D^1 W^1,

with D^l = diag((f^l)'(z^l)), and the gradient is its transpose

    grad_x C = (W^1)^T D^1 ... (W^L)^T D^L grad_{a^L} C.

This module builds those factors as dense matrices and multiplies them in
either order while counting scalar multiplications. It exists to show the
derivation literally; ``Network.gradient`` computes the same numbers with
vector products only and is what training uses.
"""

from collections.abc import Sequence

import numpy as np

from .network import Network

__all__ = [
    "derivative_factors",
    "gradient_factors",
    "multiply_chain",
    "chain_cost",
]


def derivative_factors(net: Network, x, y) -> list[np.ndarray]:
    """The factors of dC/dx in chain-rule order, for one example.

    x has shape (n_0, 1) and y shape (n_L, 1). Returns [dC/da^L (1, n_L),
    D^L (n_L, n_L), W^L (n_L, n_{L-1}), ..., D^1 (n_1, n_1), W^1 (n_1,
    n_0)]. Raises ValueError for a batch (m > 1) or a softmax output, whose
    derivative is not a diagonal matrix.
    """
    if not net.f[net.L].elementwise:
        raise ValueError(
            f"the output activation {net.f[net.L].name!r} is not elementwise:"
            " its Jacobian is not diag(f'(z)), so it has no factor D^L here"
        )
    x = net.check_inputs(x)
    if x.shape[1] != 1:
        raise ValueError(
            f"x must be one example of shape ({net.sizes[0]}, 1), "
            f"got shape {x.shape}"
        )
    y = net.check_targets(y, 1)
    cache = net.forward(x)
    factors = [net.loss.grad_a(cache.a[net.L], y).T]  # dC/da^L, a row
    for l in range(net.L, 0, -1):
        d_l = net.f[l].f_prime(cache.z[l])[:, 0]
        factors += [np.diag(d_l), net.W[l]]  # da^l/dz^l, dz^l/da^{l-1}
    return factors


def gradient_factors(net: Network, x, y) -> list[np.ndarray]:
    """The factors of grad_x C: each factor of dC/dx transposed, reversed.

    Returns [(W^1)^T, D^1, ..., (W^L)^T, D^L, grad_{a^L} C (n_L, 1)].
    """
    return [F.T for F in reversed(derivative_factors(net, x, y))]


def multiply_chain(
    factors: Sequence[np.ndarray], start: str = "right"
) -> tuple[np.ndarray, int]:
    """Multiply matrices A_1 A_2 ... A_k in one order; count multiplications.

    ``start="right"`` forms A_{k-1} A_k first and works leftwards;
    ``start="left"`` forms A_1 A_2 first. A (p, q) by (q, r) product counts
    p q r scalar multiplications (a dense product, even for a diagonal
    factor). Returns (product, count).
    """
    if start not in ("left", "right"):
        raise ValueError(f"start must be 'left' or 'right', got {start!r}")
    mats = [np.asarray(F) for F in factors]
    if not mats:
        raise ValueError("factors is empty")
    for A, B in zip(mats, mats[1:]):
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise ValueError(
                f"factors do not chain: shapes {A.shape} and {B.shape}"
            )
    count = 0
    if start == "right":
        P = mats[-1]
        for A in reversed(mats[:-1]):
            count += A.shape[0] * A.shape[1] * P.shape[1]
            P = A @ P
    else:
        P = mats[0]
        for B in mats[1:]:
            count += P.shape[0] * P.shape[1] * B.shape[1]
            P = P @ B
    return P, count


def chain_cost(shapes: Sequence[tuple[int, int]], start: str = "right") -> int:
    """The multiplication count of ``multiply_chain``, from shapes alone.

    For shapes (n_0, n_1), (n_1, n_2), ..., (n_{k-1}, n_k): from the right
    the running product always has n_k columns, so the count is the sum of
    n_{i-1} n_i n_k; from the left it always has n_0 rows.
    """
    if start not in ("left", "right"):
        raise ValueError(f"start must be 'left' or 'right', got {start!r}")
    shapes = [tuple(int(n) for n in s) for s in shapes]
    for (_, q), (p, _) in zip(shapes, shapes[1:]):
        if q != p:
            raise ValueError(f"shapes do not chain: {shapes}")
    if start == "right":
        cols = shapes[-1][1]
        return sum(p * q * cols for p, q in shapes[:-1])
    rows = shapes[0][0]
    return sum(rows * q * r for q, r in shapes[1:])
