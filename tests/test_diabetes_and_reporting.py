"""The diabetes split, and how training reports: silence, lines, errors."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes as sk_load_diabetes
from sklearn.model_selection import train_test_split

from bplib import DivergenceError, Network, load_diabetes, train

TOL = 1e-12


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes()


def test_diabetes_split_shapes(diabetes):
    assert diabetes.X_train.shape == (10, 264)
    assert diabetes.X_val.shape == (10, 67)
    assert diabetes.X_test.shape == (10, 111)
    assert diabetes.y_test.shape == (111,)


def test_diabetes_standardised_with_training_statistics_only(diabetes):
    np.testing.assert_allclose(diabetes.X_train.mean(axis=1), 0, atol=TOL)
    np.testing.assert_allclose(diabetes.X_train.std(axis=1), 1, rtol=TOL)
    assert diabetes.y_train.mean() == pytest.approx(0, abs=TOL)
    assert diabetes.y_train.std() == pytest.approx(1, rel=TOL)
    # The test part, scaled by hand from the raw data and the stated split.
    X, y = sk_load_diabetes(return_X_y=True, scaled=False)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    X_train, _, y_train, _ = train_test_split(
        X_rest, y_rest, test_size=0.2, random_state=0
    )
    expected = (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)
    np.testing.assert_allclose(diabetes.X_test, expected.T, rtol=TOL)
    expected_y = (y_test - y_train.mean()) / y_train.std()
    np.testing.assert_allclose(diabetes.y_test, expected_y, rtol=TOL)


def _small_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 40))
    return X, X.sum(axis=0)


def test_training_prints_nothing_unless_verbose(capsys):
    X, y = _small_regression()
    net = Network([3, 4, 1], "tanh", "identity", "squared_error")
    history = train(net, X, y, epochs=3, eta=0.05)
    assert capsys.readouterr().out == ""
    assert history["epoch"] == [1, 2, 3]
    assert len(history["train_loss"]) == 3


def test_verbose_training_prints_one_line_per_epoch(capsys):
    X, y = _small_regression()
    net = Network([3, 4, 1], "tanh", "identity", "squared_error")
    train(net, X, y, epochs=3, eta=0.05, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "epoch 1",
        "epoch 2",
        "epoch 3",
    ]


@pytest.mark.parametrize(
    "scale,eta,value", [(1.0, 3.0, "inf"), (1e100, 1e3, "nan")]
)
def test_divergence_error_names_the_bad_loss_and_a_remedy(
    scale, eta, value, capsys
):
    # Measured: with eta = 3 the loss overflows to inf after a few epochs;
    # with huge targets and eta = 1e3 the parameters overflow within the
    # first epoch and the loss is NaN.
    X, y = _small_regression()
    net = Network([3, 8, 1], "relu", "identity", "squared_error")
    with pytest.raises(DivergenceError) as info:
        train(net, X, y * scale, epochs=200, eta=eta)
    message = str(info.value)
    assert "diverged" in message
    assert f"training loss is {value}" in message
    assert "smaller learning rate" in message
    assert capsys.readouterr().out == ""
