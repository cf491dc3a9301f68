"""Training, the digits split and the gradient check itself."""

import numpy as np
import pytest

from bplib import DivergenceError, Network, check_gradients, load_digits, train


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_digits_split_shapes_and_scale(digits):
    sizes = [
        digits.X_train.shape[1],
        digits.X_val.shape[1],
        digits.X_test.shape[1],
    ]
    assert sum(sizes) == 1797
    assert digits.X_test.shape == (64, 450)
    assert digits.X_train.min() >= 0 and digits.X_train.max() <= 1
    assert digits.y_train.shape == (digits.X_train.shape[1],)


def test_training_reaches_high_accuracy_on_digits(digits):
    net = Network([64, 32, 10], seed=0)
    history = train(
        net,
        digits.X_train,
        digits.y_train,
        epochs=15,
        eta=0.1,
        momentum=0.9,
        validation=(digits.X_val, digits.y_val),
    )
    assert history["val_accuracy"][-1] >= 0.95
    assert history["train_loss"][-1] < history["train_loss"][0]


def test_training_is_reproducible_and_seed_changes_only_order(digits):
    runs = []
    for seed in (0, 0, 1):
        net = Network([64, 16, 10], seed=5)
        train(
            net, digits.X_train, digits.y_train, epochs=2, eta=0.1, seed=seed
        )
        runs.append(net.W[1])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_divergence_raises_and_suggests_smaller_rate(digits):
    net = Network(
        [64, 16, 1],
        output="identity",
        loss="squared_error",
        init="standard_normal",
    )
    y = digits.y_train.astype(float) * 1e3
    with pytest.raises(DivergenceError, match="smaller learning rate"):
        train(net, digits.X_train, y, epochs=5, eta=10.0)


def test_gradient_check_catches_a_wrong_gradient():
    net = Network([3, 4, 2], "tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(3, 4))
    y = np.array([0, 1, 1, 0])
    original = net._backward

    def broken(cache, Y, input_grad=False):
        grads = original(cache, Y, input_grad)
        grads.dW[1][2, 1] += 1e-3
        return grads

    net._backward = broken
    result = check_gradients(net, X, y)
    assert not result.passed
    assert result.worst == ("W[1]", (2, 1))


def test_train_rejects_bad_hyperparameters(digits):
    net = Network([64, 10])
    with pytest.raises(ValueError, match="eta"):
        train(net, digits.X_train, digits.y_train, epochs=1, eta=-1.0)
    with pytest.raises(ValueError, match="momentum"):
        train(
            net,
            digits.X_train,
            digits.y_train,
            epochs=1,
            eta=0.1,
            momentum=1.0,
        )
