"""Losses and output errors against hand values and finite differences."""

import numpy as np
import pytest

from bplib import activations, losses
from bplib.gradcheck import numerical_gradient

TOL = 1e-7


def test_squared_error_hand_value():
    a = np.array([[1.0, 2.0]])
    y = np.array([[0.0, 0.0]])
    # (1/m) sum 1/2 ||a - y||^2 = (1/2)(1/2 + 4/2) = 1.25
    assert losses.squared_error.value(a, a, y) == pytest.approx(1.25)


def test_cross_entropy_hand_value():
    z = np.log(np.array([[1.0], [3.0]]))  # softmax = (1/4, 3/4)
    y = np.array([[0.0], [1.0]])
    value = losses.cross_entropy.value(z, activations.softmax.f(z), y)
    assert value == pytest.approx(-np.log(0.75))


def test_cross_entropy_output_error_matches_finite_differences():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 3))
    y = np.eye(4)[:, [0, 2, 3]]

    def cost(zz):
        return losses.cross_entropy.value(zz, activations.softmax.f(zz), y)

    delta = losses.cross_entropy.output_error(
        z, activations.softmax.f(z), y, activations.softmax
    )
    np.testing.assert_allclose(delta, numerical_gradient(cost, z), atol=TOL)


@pytest.mark.parametrize("name", ["identity", "sigmoid"])
def test_squared_error_output_error_matches_finite_differences(name):
    f = activations.get_activation(name)
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))

    def cost(zz):
        return losses.squared_error.value(zz, f.f(zz), y)

    delta = losses.squared_error.output_error(z, f.f(z), y, f)
    np.testing.assert_allclose(delta, numerical_gradient(cost, z), atol=TOL)


def test_cross_entropy_is_finite_for_extreme_logits():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([[0.0, 0.0], [1.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = losses.cross_entropy.value(z, activations.softmax.f(z), y)
    # First example: log-sum-exp gives exactly 2000; second: 0.
    assert value == pytest.approx(1000.0)
