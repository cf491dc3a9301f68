"""Each activation's derivative against finite differences and hand values."""

import numpy as np
import pytest

from bplib import activations
from bplib.gradcheck import numerical_gradient

ELEMENTWISE = ["sigmoid", "tanh", "relu", "identity"]
TOL = 1e-7


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    f = activations.get_activation(name)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 3)) * 3
    z[np.abs(z) < 1e-3] = 0.5  # keep ReLU away from its kink
    for idx in np.ndindex(z.shape):
        numeric = numerical_gradient(lambda v: f.f(v)[idx], z.copy())[idx]
        assert abs(f.f_prime(z)[idx] - numeric) < TOL


def test_sigmoid_hand_values():
    z = np.array([[0.0, np.log(3.0)]])
    np.testing.assert_allclose(activations.sigmoid.f(z), [[0.5, 0.75]])
    np.testing.assert_allclose(
        activations.sigmoid.f_prime(z), [[0.25, 0.75 * 0.25]]
    )


def test_relu_derivative_at_zero_is_zero():
    assert activations.relu.f_prime(np.zeros((1, 1)))[0, 0] == 0.0


def test_softmax_columns_sum_to_one():
    z = np.random.default_rng(1).normal(size=(5, 7))
    np.testing.assert_allclose(activations.softmax.f(z).sum(axis=0), 1.0)


def test_softmax_jacobian_matches_finite_differences():
    z = np.random.default_rng(2).normal(size=(4, 3))
    jac = activations.softmax.f_prime(z)
    assert jac.shape == (3, 4, 4)
    for i in range(z.shape[1]):
        col = z[:, i].copy()
        for k in range(z.shape[0]):
            numeric = numerical_gradient(
                lambda v: activations.softmax.f(v.reshape(-1, 1))[k, 0], col
            )
            np.testing.assert_allclose(jac[i, k], numeric, atol=TOL)


def test_softmax_is_stable_for_extreme_logits():
    z = np.array([[1000.0, -1000.0], [0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise"):
        s = activations.softmax.f(z)
    np.testing.assert_allclose(s, [[1.0, 0.0], [0.0, 1.0]])


def test_sigmoid_is_stable_for_large_inputs():
    z = np.array([[-5000.0, 5000.0]])
    with np.errstate(over="raise", invalid="raise"):
        s = activations.sigmoid.f(z)
    np.testing.assert_array_equal(s, [[0.0, 1.0]])


def test_unknown_activation_is_named_in_error():
    with pytest.raises(ValueError, match="'swish'"):
        activations.get_activation("swish")
