"""bplib.cost: every alternative gives backprop's gradient, and the
multiplication counts match what the code performs."""

import numpy as np
import pytest
from batches import random_batch

from bplib import Network, cost, train
from bplib.gradcheck import numerical_gradient

RTOL = 1e-12
ATOL = 1e-14


def _random_sizes(seed, depth):
    rng = np.random.default_rng(seed)
    return [int(n) for n in rng.integers(1, 6, size=depth + 1)]


@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("depth", [1, 2, 4])
def test_naive_backward_matches_the_recursion(hidden, depth):
    net = Network(_random_sizes(depth, depth) + [3], hidden, seed=depth)
    X, y = random_batch(net, 4, seed=1)
    cache = net.forward(X)
    naive, rec = cost.naive_backward(net, cache, y), net.backward(cache, y)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(naive.delta[l], rec.delta[l], RTOL, ATOL)
        np.testing.assert_allclose(naive.dW[l], rec.dW[l], RTOL, ATOL)
        np.testing.assert_allclose(naive.db[l], rec.db[l], RTOL, ATOL)


@pytest.mark.parametrize(
    "output,loss",
    [("softmax", "cross_entropy"), ("identity", "squared_error")],
)
def test_input_gradients_match_finite_differences(output, loss):
    net = Network([4, 5, 3, 2], "tanh", output, loss, seed=2)
    X, y = random_batch(net, 3, seed=3)
    numeric = numerical_gradient(lambda x: net.cost(x, y), X.copy())
    forward = cost.forward_accumulation_input_gradient(net, X, y)
    reverse = cost.reverse_input_gradient(net, X, y)
    np.testing.assert_allclose(forward, numeric, atol=1e-9)
    np.testing.assert_allclose(reverse, forward, RTOL, ATOL)
    _, grads = net.gradient(X, y, input_grad=True)
    np.testing.assert_allclose(reverse, grads.dx, RTOL, ATOL)


def test_tangents_and_differences_match_backprop_on_every_entry():
    net = Network([3, 4, 4, 2], "sigmoid", seed=4)
    X, y = random_batch(net, 5, seed=5)
    _, grads = net.gradient(X, y)
    entries = [
        (k, i)
        for k, p in enumerate(net.parameters())
        for i in np.ndindex(p.shape)
    ]
    expected = np.concatenate(
        [
            g.ravel()
            for l in range(1, net.L + 1)
            for g in (grads.dW[l], grads.db[l])
        ]
    )
    tangents = cost.tangent_entries(net, X, y, entries)
    np.testing.assert_allclose(tangents, expected, RTOL, ATOL)
    differences = cost.finite_difference_entries(net, X, y, entries)
    np.testing.assert_allclose(differences, expected, rtol=1e-5, atol=1e-8)


def test_finite_differences_restore_the_parameters():
    net = Network([3, 2], seed=0)
    before = [p.copy() for p in net.parameters()]
    X, y = random_batch(net, 2, seed=0)
    cost.finite_difference_entries(net, X, y, [(0, (1, 2)), (1, (0, 0))])
    for p, q in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("seed", range(4))
def test_counted_multiplications_match_the_formulas(seed):
    sizes, m = _random_sizes(seed, 3), seed + 1
    net = Network(sizes, "relu", "identity", "squared_error", seed=seed)
    X, Y = random_batch(net, m, seed)
    formulas = {
        "forward": cost.forward_mults(sizes, m),
        "backprop": cost.backprop_mults(sizes, m),
        "backprop_input": cost.backprop_mults(sizes, m, input_grad=True),
        "naive": cost.naive_mults(sizes, m),
        "reverse_input": cost.reverse_input_mults(sizes, m),
        "forward_accumulation": cost.forward_accumulation_mults(sizes, m),
    }
    for method, expected in formulas.items():
        counted = cost.count_multiplications(method, net, X, Y)
        assert counted == expected, method


def test_counted_tangent_passes_match_the_formula():
    sizes, m = [3, 4, 5, 2], 2
    net = Network(sizes, "relu", "identity", "squared_error", seed=0)
    X, Y = random_batch(net, m, seed=0)
    for k, p in enumerate(net.parameters()):
        idx = (0,) * p.ndim
        counted = cost.count_multiplications("tangent", net, X, Y, [(k, idx)])
        expected = cost.tangent_mults(sizes, m, k // 2 + 1)
        assert counted == cost.forward_mults(sizes, m) + expected


def test_naive_count_is_quadratic_in_depth_for_uniform_width():
    n, m = 7, 3
    for L in range(1, 9):
        sizes = [n] * (L + 1)
        assert cost.naive_mults(sizes, m) == (
            m * L * n * n + m * L * (L - 1) // 2 * (n * n + n)
        )
        assert cost.backprop_mults(sizes, m) == (
            m * L * n * n + m * (L - 1) * (n * n + n)
        )


def test_cache_nbytes_matches_the_forward_cache():
    for dtype in (np.float64, np.float32):
        net = Network([6, 5, 4, 3], seed=0, dtype=dtype)
        cache = net.forward(np.ones((6, 9)))
        kept = sum(arr.nbytes for arr in cache.z[1:] + cache.a[1:])
        itemsize = np.dtype(dtype).itemsize
        assert cost.cache_nbytes(net.sizes, 9, itemsize) == kept


def test_peak_forward_memory_covers_the_cache():
    net = Network([50, 40, 10], seed=0)
    peak = cost.peak_forward_bytes(net, np.ones((50, 64)))
    assert peak >= cost.cache_nbytes(net.sizes, 64)


def test_min_time_returns_a_positive_time():
    assert 0 < cost.min_time(lambda: np.ones(10).sum(), repeat=2) < 1


def test_count_multiplications_rejects_an_unknown_method():
    net = Network([2, 2], "relu", "identity", "squared_error")
    with pytest.raises(ValueError, match="method"):
        cost.count_multiplications(
            "sideways", net, np.ones((2, 1)), np.ones((2, 1))
        )


def test_naive_backward_rejects_a_non_cache():
    net = Network([2, 2])
    with pytest.raises(TypeError, match="Cache"):
        cost.naive_backward(net, {"z": [], "a": []}, np.array([0]))


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_training_steps_match_the_update_rule(momentum):
    """Full-batch training against v <- mu v - eta g, p <- p + v."""
    net = Network([4, 3, 2], "tanh", seed=1)
    X, y = random_batch(net, 6, seed=2)
    ref = [p.copy() for p in net.parameters()]
    v = [np.zeros_like(p) for p in ref]
    eta = 0.3
    for _ in range(3):
        probe = Network([4, 3, 2], "tanh", seed=1)
        for p, q in zip(probe.parameters(), ref):
            p[...] = q
        _, g = probe.gradient(X, y)
        flat = [a for l in (1, 2) for a in (g.dW[l], g.db[l])]
        for k, gk in enumerate(flat):
            v[k] = momentum * v[k] - eta * gk
            ref[k] = ref[k] + v[k]
    train(net, X, y, epochs=3, eta=eta, batch_size=6, momentum=momentum)
    for p, q in zip(net.parameters(), ref):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


def test_float32_training_stays_float32():
    net = Network([4, 3, 2], seed=0, dtype=np.float32)
    X, y = random_batch(net, 8, seed=0)
    train(net, X, y, epochs=2, eta=0.1, batch_size=3, momentum=0.5)
    assert all(p.dtype == np.float32 for p in net.parameters())


def test_backward_into_earlier_gradients_gives_the_same_values():
    """Training's reuse of arrays (``out``) changes no value."""
    for dtype in (np.float64, np.float32):
        net = Network([5, 4, 3], seed=0, dtype=dtype)
        X1, y1 = random_batch(net, 6, seed=1)
        X2, y2 = random_batch(net, 2, seed=2)  # a smaller last batch
        Y1, Y2 = net.check_targets(y1, 6), net.check_targets(y2, 2)
        first = net._backward(net._forward(net.check_inputs(X1)), Y1)
        arrays = [first.dW[1], first.db[1]]
        cache2 = net._forward(net.check_inputs(X2))
        fresh = net._backward(cache2, Y2)
        reused = net._backward(cache2, Y2, out=first)
        assert reused.dW[1] is arrays[0] and reused.db[1] is arrays[1]
        for l in (1, 2):
            np.testing.assert_array_equal(reused.dW[l], fresh.dW[l])
            np.testing.assert_array_equal(reused.db[l], fresh.db[l])
            assert reused.dW[l].dtype == dtype
