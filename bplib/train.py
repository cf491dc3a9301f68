"""Mini-batch stochastic gradient descent, with optional momentum.

With momentum mu, each parameter p keeps a velocity v:
v <- mu v - eta dC/dp, then p <- p + v. With mu = 0 this is plain SGD,
p <- p - eta dC/dp.
"""

import numpy as np

from . import _checks
from .network import Network

__all__ = ["train", "evaluate", "DivergenceError"]


class DivergenceError(FloatingPointError):
    """Training produced a loss or a parameter that is NaN or infinite."""


def evaluate(net: Network, X, y) -> dict[str, float]:
    """Loss (and accuracy, for a classifier) on inputs X (n_0, m)."""
    _check_network(net)
    X = net.check_inputs(X)
    Y = net.check_targets(y, X.shape[1])
    return _evaluate(net, X, Y)


def train(
    net: Network,
    X,
    y,
    *,
    epochs: int,
    eta: float,
    batch_size: int = 32,
    momentum: float = 0.0,
    seed: int = 0,
    validation: "tuple | None" = None,
    test: "tuple | None" = None,
    verbose: bool = False,
) -> dict[str, list[float]]:
    """Train ``net`` in place on inputs X (n_0, m) and targets y.

    ``validation`` and ``test`` are optional (X, y) pairs evaluated after
    every epoch. ``seed`` fixes the order of the batches only. Returns the
    history: lists with one entry per epoch under "epoch", "train_loss",
    "val_loss", "test_loss" and, for a classifier, "train_accuracy",
    "val_accuracy", "test_accuracy". Prints one line per epoch only when
    ``verbose``. Raises DivergenceError when the loss becomes NaN or inf.
    """
    _check_network(net)
    _checks.as_positive(epochs, "epochs", integer=True)
    _checks.as_positive(eta, "eta")
    _checks.as_positive(batch_size, "batch_size", integer=True)
    if isinstance(momentum, bool) or not isinstance(
        momentum, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"momentum must be a number, got {momentum!r}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    X = net.check_inputs(X)
    Y = net.check_targets(y, X.shape[1])
    parts = {"train": (X, Y)}
    for name, arg, pair in (
        ("val", "validation", validation),
        ("test", "test", test),
    ):
        if pair is not None:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(
                    f"{arg} must be an (X, y) pair, got {type(pair).__name__}"
                )
            Xp = net.check_inputs(pair[0])
            parts[name] = (Xp, net.check_targets(pair[1], Xp.shape[1]))
    rng = np.random.default_rng(seed)
    velocity = [np.zeros_like(p) for p in net.parameters()]
    history = {"epoch": []}
    for epoch in range(1, epochs + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            _run_epoch(net, X, Y, eta, batch_size, momentum, velocity, rng)
        history["epoch"].append(epoch)
        for name, (Xp, Yp) in parts.items():
            for key, value in _evaluate(net, Xp, Yp).items():
                history.setdefault(f"{name}_{key}", []).append(value)
        _stop_if_diverged(history["train_loss"][-1], epoch, eta)
        if verbose:
            print(_progress_line(history))
    return history


def _check_network(net) -> None:
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")


def _run_epoch(net, X, Y, eta, batch_size, momentum, velocity, rng):
    """One pass over the shuffled data; no checks (inputs were checked)."""
    m = X.shape[1]
    order = rng.permutation(m)
    # Columns in shuffled order, stored so that each batch is contiguous:
    # rows of the transpose are gathered, one copy in Fortran order.
    Xs, Ys = X.T[order].T, Y.T[order].T
    params = net.parameters()
    grads = None  # after the first step, each step reuses its arrays
    for start in range(0, m, batch_size):
        stop = start + batch_size
        grads = net._backward(
            net._forward(Xs[:, start:stop]), Ys[:, start:stop], out=grads
        )
        for l in range(1, net.L + 1):
            for k, g in ((2 * l - 2, grads.dW[l]), (2 * l - 1, grads.db[l])):
                g *= eta  # the gradient is a fresh array: scale it in place
                if momentum:
                    v = velocity[k]
                    v *= momentum
                    v -= g  # v <- mu v - eta dC/dp
                    params[k] += v
                else:
                    params[k] -= g


def _evaluate(net: Network, X: np.ndarray, Y: np.ndarray) -> dict:
    with np.errstate(over="ignore", invalid="ignore"):
        cache = net._forward(X)
        out = {"loss": net.loss.value(cache.z[net.L], cache.a[net.L], Y)}
    if net.is_classifier:
        hits = cache.a[net.L].argmax(axis=0) == Y.argmax(axis=0)
        out["accuracy"] = float(hits.mean())
    return out


def _stop_if_diverged(loss: float, epoch: int, eta: float) -> None:
    if not np.isfinite(loss):
        raise DivergenceError(
            f"training diverged: the training loss is {loss} after epoch "
            f"{epoch}; try a smaller learning rate than eta = {eta}"
        )


def _progress_line(history: dict) -> str:
    keys = [k for k in history if k != "epoch"]
    values = ", ".join(f"{k} {history[k][-1]:.4f}" for k in keys)
    return f"epoch {history['epoch'][-1]}: {values}"
