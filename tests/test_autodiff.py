"""The reverse-mode engine against finite differences and the recursion."""

import numpy as np
import pytest
from batches import random_batch

from bplib import Network
from bplib import autodiff as ad
from bplib.gradcheck import numerical_gradient

#: Finite differences in float64 with h = 1e-6 agree to about 1e-9.
FD_TOL = 1e-7
#: The engine and the delta recursion do the same arithmetic.
EXACT_TOL = 1e-12
OUTPUT_PAIRS = [
    ("softmax", "cross_entropy"),
    ("identity", "squared_error"),
    ("sigmoid", "squared_error"),
]
HIDDEN = ["sigmoid", "tanh", "relu", "identity"]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _check_vjp(op, *shapes, seed=0):
    """op's vjp against the gradient of C = sum(R * op(...)), R random."""
    rng = _rng(seed)
    arrays = [rng.normal(size=s) for s in shapes]
    out = op(*[ad.leaf(x) for x in arrays])
    R = rng.normal(size=out.shape)
    contributions = out.vjp(R)
    assert len(contributions) == len(arrays)
    for i, x in enumerate(arrays):

        def C(_):
            return float(np.sum(R * op(*[ad.leaf(y) for y in arrays]).value))

        numeric = numerical_gradient(C, x)
        assert contributions[i].shape == x.shape
        np.testing.assert_allclose(contributions[i], numeric, atol=FD_TOL)


def test_matmul_vjp_matches_finite_differences():
    _check_vjp(ad.matmul, (3, 4), (4, 5))


def test_add_and_mul_vjp_match_finite_differences():
    _check_vjp(ad.add, (3, 2), (3, 2))
    _check_vjp(ad.mul, (3, 2), (3, 2), seed=1)


def test_add_bias_vjp_sums_over_columns_and_matches_fd():
    _check_vjp(ad.add_bias, (3, 5), (3, 1))


@pytest.mark.parametrize("name", HIDDEN)
def test_activation_vjp_matches_finite_differences(name):
    def op(Z):
        return ad.activation(Z, name)

    _check_vjp(op, (4, 3), seed=2)


@pytest.mark.parametrize("loss", ["softmax_ce", "squared_error"])
def test_loss_gradient_matches_finite_differences(loss):
    rng = _rng(3)
    Z = rng.normal(size=(4, 6))
    Y = np.eye(4)[:, rng.integers(0, 4, size=6)]
    make = (
        ad.softmax_cross_entropy if loss == "softmax_ce" else ad.squared_error
    )
    node = ad.leaf(Z)
    ad.backward(make(node, Y))
    numeric = numerical_gradient(lambda z: float(make(ad.leaf(z), Y).value), Z)
    np.testing.assert_allclose(node.grad, numeric, atol=FD_TOL)


def _used_twice(x, y):
    """u = x y is used twice: C = u tanh(u)."""
    u = ad.mul(x, y, "u")
    return ad.mul(u, ad.activation(u, "tanh", "v"), "C")


def test_value_used_twice_matches_finite_differences():
    x, y = ad.leaf(0.7, "x"), ad.leaf(-1.3, "y")
    ad.backward(_used_twice(x, y))
    for node, other in ((x, y), (y, x)):

        def C(v):
            pair = (v, other.value) if node is x else (other.value, v)
            return float(_used_twice(*map(ad.leaf, pair)).value)

        numeric = numerical_gradient(C, node.value.copy())
        np.testing.assert_allclose(node.grad, numeric, atol=FD_TOL)


def test_shared_weight_matrix_sums_both_uses():
    # Tied weights: the same W in two layers; its gradient has two terms.
    rng = _rng(4)
    Wv, X, Y = (rng.normal(size=s) for s in ((3, 3), (3, 5), (3, 5)))

    def graph(W_value):
        W = ad.leaf(W_value, "W")
        a1 = ad.activation(ad.matmul(W, ad.leaf(X)), "tanh")
        return W, ad.squared_error(ad.matmul(W, a1), Y)

    W, C = graph(Wv)
    ad.backward(C)
    numeric = numerical_gradient(lambda w: float(graph(w)[1].value), Wv)
    np.testing.assert_allclose(W.grad, numeric, atol=FD_TOL)


def test_topological_order_puts_every_parent_first():
    x, y = ad.leaf(0.7, "x"), ad.leaf(-1.3, "y")
    order = ad.topological_order(_used_twice(x, y))
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order) == 5
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_wrong_order_passes_on_an_incomplete_gradient():
    x, y = ad.leaf(0.7, "x"), ad.leaf(-1.3, "y")
    C = _used_twice(x, y)
    right = ad.backward(C)
    good = x.grad.copy()
    u, v = right[2], right[3]
    assert (u.name, v.name) == ("u", "v")
    ad.backward(C, order=[right[0], right[1], v, u, C])  # v after u, reversed
    assert abs(x.grad - good) > 1e-3


def test_backward_twice_gives_the_same_gradients():
    x, y = ad.leaf(0.7, "x"), ad.leaf(-1.3, "y")
    C = _used_twice(x, y)
    ad.backward(C)
    first = x.grad.copy()
    ad.backward(C)
    assert x.grad == first


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = ad.leaf(1.0, "x")
    node = x
    for _ in range(5000):
        node = ad.add(node, x)  # x is used 5001 times
    ad.backward(node)
    assert x.grad == 5001.0


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,loss", OUTPUT_PAIRS)
def test_network_graph_gives_the_delta_recursion_gradients(
    hidden, output, loss
):
    net = Network([3, 5, 4, 2], hidden, output, loss, seed=1)
    X, y = random_batch(net, 7, seed=2)
    C, grads = net.gradient(X, y, input_grad=True)
    graph = ad.network_graph(net, X, y)
    ad.backward(graph.C)
    auto = graph.gradients()
    assert abs(float(graph.C.value) - C) <= EXACT_TOL
    for l in range(1, net.L + 1):
        for got, want in (
            (auto.dW[l], grads.dW[l]),
            (auto.db[l], grads.db[l]),
            (auto.delta[l], grads.delta[l]),
        ):
            np.testing.assert_allclose(got, want, rtol=0, atol=EXACT_TOL)
    np.testing.assert_allclose(auto.dx, grads.dx, rtol=0, atol=EXACT_TOL)


def test_network_graph_uses_the_network_arrays():
    net = Network([2, 3, 2], seed=0)
    graph = ad.network_graph(net, np.ones((2, 1)), np.array([1]))
    assert graph.W[1].value is net.W[1] and graph.b[2].value is net.b[2]
    assert graph.a[2] is None and graph.z[2].name == "z[2]"


def test_operations_reject_bad_arguments():
    A, B = ad.leaf(np.ones((2, 3))), ad.leaf(np.ones((2, 3)))
    with pytest.raises(ValueError, match="columns must match"):
        ad.matmul(A, B)
    with pytest.raises(TypeError, match="must be a Node"):
        ad.add(A, np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape \\(2, 1\\)"):
        ad.add_bias(A, ad.leaf(np.ones((3, 1))))
    with pytest.raises(ValueError, match="softmax_cross_entropy"):
        ad.activation(A, "softmax")
    with pytest.raises(ValueError, match="scalar output"):
        ad.backward(A)
    with pytest.raises(ValueError, match="shape of the output"):
        ad.squared_error(A, np.ones((3, 2)))
    x = ad.leaf(1.0)
    with pytest.raises(ValueError, match="every node"):
        ad.backward(ad.mul(x, x), order=[x])
    with pytest.raises(ValueError, match="NaN"):
        ad.leaf(np.array([np.nan]))
