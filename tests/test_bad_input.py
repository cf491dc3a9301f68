"""Bad input gets a clear error naming the argument and both shapes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplib import Network, evaluate, losses, train

SETTINGS = settings(derandomize=True, deadline=None, max_examples=50)


def _regressor(n_0=2, n_L=1):
    return Network([n_0, 3, n_L], "tanh", "identity", "squared_error")


@SETTINGS
@given(st.integers(2, 30))
def test_column_and_flat_targets_never_broadcast_to_m_by_m(m):
    net, X = _regressor(), np.zeros((2, m))
    with pytest.raises(ValueError, match=rf"\(1, {m}\).*\({m}, 1\)"):
        net.cost(X, np.zeros((m, 1)))
    flat, row = np.arange(m, dtype=float), np.arange(m, dtype=float)[None]
    assert net.cost(X, flat) == net.cost(X, row)


@SETTINGS
@given(st.integers(2, 30))
def test_losses_called_directly_never_broadcast(m):
    a = np.zeros((1, m))
    for Y in (np.zeros((m, 1)), np.zeros(m)):
        with pytest.raises(ValueError, match=rf"\(1, {m}\)"):
            losses.squared_error.value(a, a, Y)
        with pytest.raises(ValueError, match=rf"\(1, {m}\)"):
            losses.squared_error.grad_a(a, Y)


def test_wrong_input_width_names_expected_and_actual_shape():
    with pytest.raises(ValueError, match=r"X .*\(2, m\).*\(3, 4\)"):
        _regressor().predict(np.zeros((3, 4)))


def test_one_example_as_a_flat_array_is_explained():
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        _regressor().predict(np.zeros(2))


@pytest.mark.parametrize(
    "X,error,match",
    [
        (np.zeros((2, 0)), ValueError, "empty batch"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "X must hold numbers"),
        (np.array([[1 + 1j], [0]]), TypeError, "X must be real"),
        ([[1.0, 2.0], [3.0]], TypeError, "X must be an array"),
        (np.array([[np.inf], [0.0]]), ValueError, "X contains NaN or inf"),
        (np.array([[None], [1.0]]), TypeError, "X must hold numbers"),
    ],
)
def test_bad_inputs_raise_naming_x(X, error, match):
    with pytest.raises(error, match=match):
        _regressor().predict(X)


@pytest.mark.parametrize(
    "y,error,match",
    [
        (np.array([0, 3]), ValueError, r"labels must lie in \[0, 3\)"),
        (np.array([-1, 0]), ValueError, r"labels must lie in \[0, 3\)"),
        (np.array([0.0, 1.0]), TypeError, "labels must be integers"),
        (np.array([True, False]), TypeError, "labels must be integers"),
        (np.array([0, 1, 2]), ValueError, r"labels must have shape .*\(2,\)"),
        (np.array([[0, 1]]), ValueError, r"\(3, 2\).*\(1, 2\)"),
        (np.array([[2.0, 0], [-1, 0], [0, 1]]), ValueError, r"\[0, 1\]"),
        (np.full((3, 2), 0.5), ValueError, "sum to 1"),
    ],
)
def test_bad_labels_raise(y, error, match):
    net = Network([2, 3], seed=0)
    with pytest.raises(error, match=match):
        net.gradient(np.zeros((2, 2)), y)


@pytest.mark.parametrize("where", ["W", "b"])
def test_nan_in_parameters_raises_before_computing(where):
    net = Network([2, 3, 2], seed=0)
    getattr(net, where)[2][0, 0] = np.nan
    with pytest.raises(ValueError, match=rf"{where}\[2\] contains NaN"):
        net.predict(np.zeros((2, 1)))
    with pytest.raises(ValueError, match="NaN"):
        train(net, np.zeros((2, 4)), np.zeros(4, int), epochs=1, eta=0.1)


def test_parameter_of_the_wrong_shape_names_both_shapes():
    net = Network([2, 3, 2], seed=0)
    net.W[2] = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"W\[2\] .*\(2, 3\).*\(3, 2\)"):
        net.forward(np.zeros((2, 1)))


def test_mismatched_layer_lists_raise():
    with pytest.raises(ValueError, match="L - 1 = 2"):
        Network([2, 3, 3, 2], hidden=["relu"])
    net = Network([2, 3, 2], seed=0)
    net.W.append(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"W must list L \+ 1 = 3"):
        net.forward(np.zeros((2, 1)))


def test_initialiser_returning_nan_is_refused():
    def bad(n_l, n_prev, rng):
        return np.full((n_l, n_prev), np.nan)

    with pytest.raises(ValueError, match=r"W\[1\] contains NaN"):
        Network([2, 2], init=bad)


def test_initialiser_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="init must be"):
        Network([2, 2], init=3)


def test_classify_refuses_a_single_output():
    # The argmax of one row is always 0: a silently wrong class.
    with pytest.raises(ValueError, match="n_L >= 2"):
        _regressor().classify(np.zeros((2, 3)))


def test_output_errors_refuse_the_wrong_activation():
    from bplib import activations

    z = np.zeros((3, 2))
    with pytest.raises(ValueError, match="softmax output only"):
        losses.cross_entropy.output_error(z, z, z, activations.sigmoid)
    with pytest.raises(ValueError, match="elementwise"):
        losses.squared_error.output_error(z, z, z, activations.softmax)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"momentum": "0.9"}, TypeError, "momentum must be a number"),
        ({"momentum": float("nan")}, ValueError, "momentum"),
        ({"validation": np.zeros((2, 2))}, TypeError, "validation must be"),
        ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, error, match):
    net = Network([2, 2], seed=0)
    args = {"epochs": 1, "eta": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        train(net, np.zeros((2, 4)), np.zeros(4, int), **args)


def test_evaluate_and_train_name_a_wrong_network_argument():
    with pytest.raises(TypeError, match="net must be a Network"):
        evaluate("net", np.zeros((2, 1)), np.zeros(1, int))
    with pytest.raises(TypeError, match="net must be a Network"):
        train(None, np.zeros((2, 1)), np.zeros(1, int), epochs=1, eta=0.1)


def test_training_leaves_the_callers_data_unchanged():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2, 8)), rng.integers(0, 2, 8)
    X0, y0 = X.copy(), y.copy()
    train(Network([2, 2], seed=0), X, y, epochs=2, eta=0.1, batch_size=3)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
