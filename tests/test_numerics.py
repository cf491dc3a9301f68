"""Stable numerics: extreme logits, saturated sigmoid and tanh, gradcheck.

References are independent of bplib's formulas: log-sum-exp in 40-digit
decimal arithmetic, Python's math module for sigmoid, and the identities
sigma'(z) = sigma(z) sigma(-z) and tanh'(z) = 4 sigma(2z) sigma(-2z).
"""

import decimal
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplib import Network, activations, check_gradients, losses
from bplib.gradcheck import numerical_gradient

RAISE = {"over": "raise", "invalid": "raise", "divide": "raise"}
#: Logits up to 1e307 in size: the per-example shift z - max z stays
#: finite (beyond about 9e307 the difference itself would overflow).
LOGIT = 1e307
EXACT = 1e-13  # relative tolerance of "exact to rounding"

SETTINGS = settings(derandomize=True, deadline=None, max_examples=200)
DEC = decimal.Context(prec=40, Emin=-(10**9), Emax=10**9)


def _log_sum_shifted(d: list) -> decimal.Decimal:
    """log sum exp(v - max v) over Decimals, in the current context.

    Terms below exp(-800) are dropped: next to the largest term, 1, they
    change nothing within 40 digits."""
    top = max(d)
    return sum((v - top).exp() for v in d if v - top > -800).ln()


def _softmax_digits(z) -> np.ndarray:
    """Softmax of each column to 40 digits (floats convert exactly)."""
    out = np.zeros(z.shape)
    with decimal.localcontext(DEC):
        for i, col in enumerate(z.T):
            d = [decimal.Decimal(float(v)) for v in col]
            top, log_sum = max(d), _log_sum_shifted(d)
            for k, v in enumerate(d):
                out[k, i] = float(((v - top) - log_sum).exp())
    return out


def _ce_digits(z, labels) -> float:
    """Mean cross-entropy log sum exp(z) - z_label, to 40 digits."""
    total = decimal.Decimal(0)
    with decimal.localcontext(DEC):
        for i, k in enumerate(labels):
            d = [decimal.Decimal(float(v)) for v in z[:, i]]
            total += (max(d) - d[k]) + _log_sum_shifted(d)
        return float(total / len(labels))


def _finite(bound):
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


@st.composite
def logits(draw):
    """(K, m) logits: each column has its own offset, far from the rest."""
    K, m = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    cols = [
        draw(st.lists(_finite(LOGIT / 2), min_size=K, max_size=K))
        for _ in range(m)
    ]
    return np.array(cols).T


@SETTINGS
@given(logits())
def test_softmax_is_finite_and_exact_per_example(z):
    with np.errstate(**RAISE):
        s = activations.softmax.f(z)
    ref = _softmax_digits(z)
    assert np.all(np.isfinite(s))
    # z_k - max z is rounded to 1e-16 relative; exp turns that into at most
    # 745 * 1.1e-16 relative where the result has not underflowed.
    np.testing.assert_allclose(s, ref, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(s.sum(axis=0), 1.0, rtol=1e-12)


@SETTINGS
@given(logits(), st.data())
def test_cross_entropy_from_logits_is_finite_and_exact(z, data):
    K, m = z.shape
    labels = np.array(
        data.draw(st.lists(st.integers(0, K - 1), min_size=m, max_size=m))
    )
    Y = np.eye(K)[:, labels]
    with np.errstate(**RAISE):
        C = losses.cross_entropy.value(z, activations.softmax.f(z), Y)
    ref = _ce_digits(z, labels)
    assert np.isfinite(C)
    assert C == pytest.approx(ref, rel=EXACT, abs=1e-15)


def test_cross_entropy_is_shifted_per_example_not_per_batch():
    # One shift for the whole batch would underflow the second column.
    z = np.array([[1000.0, -1000.0], [999.0, -1001.0]])
    Y = np.array([[1.0, 1.0], [0.0, 0.0]])
    C = losses.cross_entropy.value(z, activations.softmax.f(z), Y)
    assert C == pytest.approx(np.log1p(np.exp(-1.0)), rel=EXACT)


def _math_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


@SETTINGS
@given(_finite(5000.0))
def test_sigmoid_and_tanh_are_right_for_large_inputs(z):
    arr = np.array([[z]])
    with np.errstate(**RAISE):
        s = activations.sigmoid.f(arr)[0, 0]
        ds = activations.sigmoid.f_prime(arr)[0, 0]
        t = activations.tanh.f(arr)[0, 0]
        dt = activations.tanh.f_prime(arr)[0, 0]
    assert s == pytest.approx(_math_sigmoid(z), rel=EXACT, abs=0)
    ref_ds = _math_sigmoid(z) * _math_sigmoid(-z)
    assert ds == pytest.approx(ref_ds, rel=1e-12, abs=0)
    assert t == pytest.approx(math.tanh(z), rel=EXACT, abs=0)
    ref_dt = 4 * _math_sigmoid(2 * z) * _math_sigmoid(-2 * z)
    assert dt == pytest.approx(ref_dt, rel=1e-12, abs=0)


def test_sigmoid_derivative_keeps_its_digits_at_z_30():
    # s (1 - s) gave 9.348e-14 here, 0.1 % off the true 9.3576e-14.
    z = np.array([[30.0]])
    exact = math.exp(-30) / (1 + math.exp(-30)) ** 2
    assert activations.sigmoid.f_prime(z)[0, 0] == pytest.approx(
        exact, 1e-14, 0
    )


def test_tanh_derivative_is_not_zero_at_z_20():
    # 1 - tanh(z)^2 rounded to exactly 0 for |z| > 19.
    z = np.array([[20.0, -20.0]])
    exact = 4 * math.exp(-40) / (1 + math.exp(-40)) ** 2
    np.testing.assert_allclose(activations.tanh.f_prime(z), exact, 1e-14)


def test_derivatives_take_z_not_the_activation():
    # At z = 2, sigma'(z) differs from sigma'(sigma(z)): a check that the
    # functions are documented and used with z, via the network.
    net = Network([1, 1, 1], "sigmoid", "identity", "squared_error")
    net.W[1][...] = 1.0
    net.W[2][...] = 1.0
    X, Y = np.array([[2.0]]), np.array([[0.0]])
    _, grads = net.gradient(X, Y)
    s = _math_sigmoid(2.0)
    assert grads.delta[1][0, 0] == pytest.approx(s * s * (1 - s), rel=1e-14)


def test_cross_entropy_grad_a_is_zero_not_nan_where_y_is_zero():
    a = np.array([[1.0], [0.0]])  # an underflowed probability
    Y = np.array([[1.0], [0.0]])
    with np.errstate(**RAISE):
        g = losses.cross_entropy.grad_a(a, Y)
    np.testing.assert_array_equal(g, [[-1.0], [0.0]])


def test_gradcheck_computes_in_float64_for_a_float32_network():
    net = Network([3, 4, 2], "tanh", seed=0, dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    result = check_gradients(net, X, np.array([0, 1, 1, 0, 1]))
    # In float32 arithmetic the central difference would be off by ~1e-2.
    assert result.passed and result.max_rel_error < 1e-4, str(result)
    assert all(p.dtype == np.float32 for p in net.parameters())


def test_gradcheck_relative_error_is_zero_when_both_gradients_are_zero():
    # Dead ReLU layer: every gradient of W[1], b[1] is exactly 0.
    net = Network([2, 3, 2], "relu", seed=0)
    net.b[1][...] = -100.0
    X = np.ones((2, 3))
    result = check_gradients(net, X, np.array([0, 1, 0]), atol=0.0)
    assert result.passed, str(result)
    assert np.isfinite(result.max_rel_error)


def test_gradcheck_never_passes_a_nan_and_reports_it():
    net = Network([3, 4, 2], "tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(3, 4))
    original = net._backward

    def nan_at_b2(cache, Y, input_grad=False):
        grads = original(cache, Y, input_grad)
        grads.db[2][1, 0] = np.nan
        return grads

    net._backward = nan_at_b2
    result = check_gradients(net, X, np.array([0, 1, 1, 0]))
    assert not result.passed
    assert result.worst == ("b[2]", (1, 0))
    assert not np.isfinite(result.max_abs_error)
    assert not np.isfinite(result.max_rel_error)


@pytest.mark.parametrize("x", [np.arange(3), np.arange(3.0, dtype="f4")])
def test_numerical_gradient_refuses_arrays_it_would_round(x):
    # An integer x rounds x + h back to x: the old code returned garbage.
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: float((v**2).sum()), x)


def test_numerical_gradient_restores_x_when_fun_raises():
    x = np.array([1.0, 2.0])

    def boom(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(boom, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize(
    "kwargs", [{"h": 0.0}, {"rtol": -1.0}, {"atol": 1e400}]
)
def test_gradcheck_rejects_bad_step_and_tolerances(kwargs):
    net = Network([2, 2], seed=0)
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        check_gradients(net, np.ones((2, 1)), np.array([0]), **kwargs)
