"""Dead units and delta norms against independent, explicit computations."""

import numpy as np
import pytest

from bplib import Network, diagnostics
from bplib.gradcheck import numerical_gradient

TOL = 1e-7


def _relu_net_with_dead_units(dead):
    net = Network([3, 5, 4, 2], "relu", seed=1)
    for l, j in dead:
        net.b[l][j] = -100.0  # z^l_j < 0 for any input of size ~1
    return net


def test_dead_units_match_an_example_by_example_loop():
    net = _relu_net_with_dead_units([(1, 2), (2, 0), (2, 3)])
    X = np.random.default_rng(0).uniform(-1, 1, size=(3, 20))
    masks = diagnostics.dead_units(net, X)
    assert sorted(masks) == [1, 2]
    for l in (1, 2):
        expected = np.ones(net.sizes[l], dtype=bool)
        for i in range(X.shape[1]):
            a = X[:, i]
            for k in range(1, l + 1):
                a = np.maximum(net.W[k] @ a + net.b[k][:, 0], 0)
            expected &= a == 0
        np.testing.assert_array_equal(masks[l], expected)
    assert masks[1][2] and masks[2][0] and masks[2][3]


def test_count_dead_units_counts_the_masks():
    net = _relu_net_with_dead_units([(1, 0), (1, 4), (2, 1)])
    X = np.random.default_rng(1).uniform(-1, 1, size=(3, 10))
    counts = diagnostics.count_dead_units(net, X)
    masks = diagnostics.dead_units(net, X)
    assert counts == {l: int(masks[l].sum()) for l in masks}
    assert counts[1] >= 2 and counts[2] >= 1


def test_sigmoid_units_are_never_dead():
    net = Network([3, 5, 4, 2], "sigmoid", seed=0)
    X = np.random.default_rng(2).normal(size=(3, 8))
    assert diagnostics.count_dead_units(net, X) == {1: 0, 2: 0}


def test_all_zero_weights_make_every_relu_unit_dead():
    net = Network([3, 5, 4, 2], "relu", init="zeros")
    X = np.random.default_rng(3).normal(size=(3, 8))
    assert diagnostics.count_dead_units(net, X) == {1: 5, 2: 4}


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_delta_norms_match_bias_gradients_for_one_example(hidden):
    # For a single example, delta^l = dC/dz^l = dC/db^l exactly.
    net = Network([3, 4, 5, 2], hidden, seed=2)
    for l in range(1, net.L + 1):
        net.b[l][:] = 0.3  # keep ReLU units off their kink
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(3, 1)), np.array([1])
    norms = diagnostics.delta_norms(net, x, y)
    assert sorted(norms) == [1, 2, 3]
    for l in range(1, net.L + 1):
        numeric = numerical_gradient(lambda _: net.cost(x, y), net.b[l])
        assert norms[l] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)


def test_delta_norms_of_a_sigmoid_chain_shrink_by_one_quarter():
    # One unit per layer, every z^l = 0: each step back multiplies by
    # w sigma'(0) = 1/4, exactly.
    L = 5
    net = Network([1] * (L + 1), "sigmoid", "identity", "squared_error")
    for l in range(1, L + 1):
        net.W[l][:] = 1.0
        net.b[l][:] = 0.0 if l == 1 else -0.5
    norms = diagnostics.delta_norms(net, np.zeros((1, 1)), np.ones(1))
    for l in range(1, L + 1):
        assert norms[l] == 0.25 ** (L - l)
