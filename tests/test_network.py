"""The network's backward pass against finite differences, and its checks."""

import numpy as np
import pytest
from batches import random_batch

from bplib import Network, check_gradients
from bplib.gradcheck import numerical_gradient

OUTPUT_PAIRS = [
    ("softmax", "cross_entropy"),
    ("identity", "squared_error"),
    ("sigmoid", "squared_error"),
]
HIDDEN = ["sigmoid", "tanh", "relu", "identity"]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,loss", OUTPUT_PAIRS)
def test_backward_matches_finite_differences(hidden, output, loss):
    net = Network([3, 4, 5, 2], hidden, output, loss, seed=3)
    # Non-zero biases: with zero biases a ReLU unit whose inputs are all 0
    # sits exactly on its kink, where no finite difference is meaningful.
    for l in range(1, net.L + 1):
        net.b[l][:] = np.random.default_rng(l).uniform(
            0.1, 0.5, net.b[l].shape
        )
    X, y = random_batch(net, 6, seed=4)
    result = check_gradients(net, X, y)
    assert result.passed, str(result)


def test_input_gradient_matches_finite_differences():
    net = Network([3, 4, 2], "tanh", seed=0)
    X, y = random_batch(net, 1, seed=1)
    _, grads = net.gradient(X, y, input_grad=True)
    numeric = numerical_gradient(lambda x: net.cost(x, y), X.copy())
    np.testing.assert_allclose(grads.dx, numeric, atol=1e-8)


def test_shapes_follow_the_convention():
    net = Network([5, 4, 3], seed=0)
    X, y = random_batch(net, 7, seed=0)
    cache = net.forward(X)
    grads = net.backward(cache, y)
    for l in (1, 2):
        assert net.W[l].shape == (net.sizes[l], net.sizes[l - 1])
        assert cache.z[l].shape == cache.a[l].shape == (net.sizes[l], 7)
        assert grads.dW[l].shape == net.W[l].shape
        assert grads.db[l].shape == net.b[l].shape == (net.sizes[l], 1)
    assert grads.dx is None


def test_integer_labels_and_one_hot_give_identical_gradients():
    net = Network([3, 4, 3], seed=0)
    X, y = random_batch(net, 5, seed=2)
    _, g_int = net.gradient(X, y)
    _, g_hot = net.gradient(X, np.eye(3)[:, y])
    for l in (1, 2):
        np.testing.assert_array_equal(g_int.dW[l], g_hot.dW[l])


def test_seeded_construction_is_reproducible():
    a, b = Network([4, 6, 3], seed=9), Network([4, 6, 3], seed=9)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_softmax_in_a_hidden_layer_raises():
    with pytest.raises(ValueError, match="softmax"):
        Network([3, 4, 2], hidden="softmax")


@pytest.mark.parametrize(
    "output,loss", [("softmax", "squared_error"), ("relu", "cross_entropy")]
)
def test_disallowed_output_pairs_raise(output, loss):
    with pytest.raises(ValueError, match="cannot be paired"):
        Network([3, 2], output=output, loss=loss)


def test_wrong_input_width_names_both_shapes():
    net = Network([3, 2])
    with pytest.raises(ValueError, match=r"\(3, m\).*\(4, 5\)"):
        net.forward(np.zeros((4, 5)))


def test_regression_targets_never_broadcast():
    net = Network([2, 1], output="identity", loss="squared_error")
    X = np.zeros((2, 4))
    with pytest.raises(ValueError, match="shape"):
        net.cost(X, np.zeros((4, 1)))
    # (m,) is accepted for a single output and means the same as (1, m).
    assert net.cost(X, np.arange(4.0)) == net.cost(X, np.arange(4.0)[None])


def test_labels_out_of_range_raise():
    net = Network([2, 3])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        net.cost(np.zeros((2, 2)), np.array([0, 3]))


def test_float_labels_raise_type_error():
    net = Network([2, 3])
    with pytest.raises(TypeError, match="integers"):
        net.cost(np.zeros((2, 2)), np.array([0.0, 1.0]))


def test_nan_input_raises():
    net = Network([2, 3])
    with pytest.raises(ValueError, match="NaN"):
        net.forward(np.array([[np.nan], [0.0]]))


def test_float32_network_stays_float32():
    net = Network([3, 4, 2], seed=0, dtype=np.float32)
    X, y = random_batch(net, 5, seed=0)
    _, grads = net.gradient(X, y)
    assert all(g.dtype == np.float32 for g in grads.dW[1:])
    assert check_gradients(net, X, y, rtol=1e-3, atol=1e-5).passed
