"""The chain rule as an explicit matrix product, against independent values."""

import numpy as np
import pytest

from bplib import Network
from bplib.chain import (
    chain_cost,
    derivative_factors,
    gradient_factors,
    multiply_chain,
)
from bplib.gradcheck import numerical_gradient

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
OUTPUTS = ["identity", "sigmoid"]
ATOL = 1e-8


def _example(sizes, hidden, output, seed):
    net = Network(sizes, hidden, output, "squared_error", seed=seed)
    rng = np.random.default_rng(seed + 1)
    for l in range(1, net.L + 1):
        net.b[l][:] = rng.uniform(0.1, 0.5, net.b[l].shape)
    x = rng.normal(size=(sizes[0], 1))
    y = rng.normal(size=(sizes[-1], 1))
    return net, x, y


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUTS)
def test_derivative_product_matches_finite_differences(hidden, output):
    net, x, y = _example([3, 4, 5, 2], hidden, output, seed=2)
    dC_dx, _ = multiply_chain(derivative_factors(net, x, y), start="left")
    numeric = numerical_gradient(lambda v: net.cost(v, y), x.copy())
    assert dC_dx.shape == (1, 3)
    np.testing.assert_allclose(dC_dx, numeric.T, atol=ATOL)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_derivative_product_matches_backward_input_gradient(seed):
    net, x, y = _example([4, 6, 3], "tanh", "identity", seed)
    dC_dx, _ = multiply_chain(derivative_factors(net, x, y))
    _, grads = net.gradient(x, y, input_grad=True)
    np.testing.assert_allclose(dC_dx, grads.dx.T, rtol=1e-12, atol=1e-15)


def test_gradient_factors_are_reversed_transposes():
    net, x, y = _example([3, 4, 2], "sigmoid", "sigmoid", seed=5)
    F = derivative_factors(net, x, y)
    G = gradient_factors(net, x, y)
    assert len(F) == len(G) == 2 * net.L + 1
    for i, g in enumerate(G):
        np.testing.assert_array_equal(g, F[len(F) - 1 - i].T)


def test_left_and_right_orders_give_the_same_product():
    rng = np.random.default_rng(0)
    shapes = [(1, 4), (4, 4), (4, 6), (6, 6), (6, 3)]
    mats = [rng.normal(size=s) for s in shapes]
    left, _ = multiply_chain(mats, start="left")
    right, _ = multiply_chain(mats, start="right")
    np.testing.assert_allclose(left, right, rtol=1e-12)


def _counted_product(A, B):
    """A @ B by three loops, counting every scalar multiplication."""
    out, count = np.zeros((A.shape[0], B.shape[1])), 0
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            for k in range(A.shape[1]):
                out[i, j] += A[i, k] * B[k, j]
                count += 1
    return out, count


@pytest.mark.parametrize("start", ["left", "right"])
def test_multiplication_count_matches_a_loop_that_counts(start):
    rng = np.random.default_rng(1)
    shapes = [(2, 3), (3, 4), (4, 1)]
    mats = [rng.normal(size=s) for s in shapes]
    order = mats if start == "left" else mats[::-1]
    P, total = order[0], 0
    for M in order[1:]:
        pair = (P, M) if start == "left" else (M, P)
        P, count = _counted_product(*pair)
        total += count
    product, counted = multiply_chain(mats, start=start)
    np.testing.assert_allclose(product, P, rtol=1e-12)
    assert counted == total == chain_cost(shapes, start)


def test_softmax_output_and_batches_are_refused():
    net = Network([3, 2, 2], "tanh", "softmax", "cross_entropy", seed=0)
    with pytest.raises(ValueError, match="not elementwise"):
        derivative_factors(net, np.ones((3, 1)), np.array([0]))
    net = Network([3, 2, 1], "tanh", "identity", "squared_error", seed=0)
    with pytest.raises(ValueError, match="one example"):
        derivative_factors(net, np.ones((3, 2)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="do not chain"):
        multiply_chain([np.ones((2, 3)), np.ones((2, 3))])
