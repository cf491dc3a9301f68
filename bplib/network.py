"""A feedforward network: the forward pass and the delta recursion.

Layers are numbered as in the book: layer 0 is the input, layers 1..L have
weights W[l] of shape (n_l, n_{l-1}) and biases b[l] of shape (n_l, 1).
Index 0 of ``W``, ``b``, ``f`` and ``z`` holds None, so that code layer l is
the book's layer l. Columns are examples: a batch of activations a[l] has
shape (n_l, m).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _checks
from .activations import Activation, get_activation
from .initialisers import get_initialiser
from .losses import Loss, get_loss

__all__ = ["Network", "Cache", "Gradients"]


@dataclass
class Cache:
    """What the forward pass keeps: z[l] and a[l], each (n_l, m).

    z[0] is None; a[0] is the input X.
    """

    z: list
    a: list


@dataclass
class Gradients:
    """dC/dW[l], dC/db[l] and delta[l] = dC/dz^l for l = 1..L.

    Index 0 is None, except ``dx`` = dC/da^0 = dC/dX, shape (n_0, m), which
    is only computed when asked for (training does not need it).
    """

    dW: list
    db: list
    delta: list
    dx: "np.ndarray | None" = None


class Network:
    """A network x -> f^L(W^L ... f^1(W^1 x + b^1) ... + b^L).

    ``sizes`` is (n_0, n_1, ..., n_L). ``hidden`` is one activation for all
    hidden layers or a list of L - 1 of them; ``output`` is f^L. Allowed
    output pairs: softmax with cross_entropy, identity or sigmoid with
    squared_error. Weights come from ``init`` with a Generator seeded by
    ``seed``; biases start at zero. Raises ValueError or TypeError for any
    other combination.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        hidden: "str | Activation | Sequence[str | Activation]" = "relu",
        output: "str | Activation" = "softmax",
        loss: "str | Loss" = "cross_entropy",
        init="glorot_uniform",
        seed: int = 0,
        dtype=np.float64,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        self.L = len(self.sizes) - 1
        self.dtype = _check_dtype(dtype)
        self.f = [None] + _check_activations(hidden, output, self.L)
        self.loss = get_loss(loss)
        if self.f[self.L].name not in self.loss.outputs:
            raise ValueError(
                f"output activation {self.f[self.L].name!r} cannot be paired "
                f"with loss {self.loss.name!r}; allowed outputs: "
                f"{list(self.loss.outputs)}"
            )
        initialiser = get_initialiser(init)
        rng = np.random.default_rng(seed)
        self.W = [None]
        self.b = [None]
        for l in range(1, self.L + 1):
            n_l, n_prev = self.sizes[l], self.sizes[l - 1]
            W = np.asarray(initialiser(n_l, n_prev, rng), dtype=self.dtype)
            if W.shape != (n_l, n_prev):
                raise ValueError(
                    f"initialiser returned shape {W.shape} for W[{l}], "
                    f"expected {(n_l, n_prev)}"
                )
            self.W.append(W)
            self.b.append(np.zeros((n_l, 1), dtype=self.dtype))
        _checks.check_parameters(self.W, self.b, self.sizes, self.dtype)

    def __repr__(self) -> str:
        acts = ", ".join(f.name for f in self.f[1:])
        return (
            f"Network(sizes={self.sizes}, activations=[{acts}], "
            f"loss={self.loss.name!r})"
        )

    @property
    def is_classifier(self) -> bool:
        """True when the output is softmax with cross-entropy."""
        return self.loss.name == "cross_entropy"

    def parameters(self) -> list[np.ndarray]:
        """[W[1], b[1], ..., W[L], b[L]]: the arrays themselves, not copies."""
        return [
            p for l in range(1, self.L + 1) for p in (self.W[l], self.b[l])
        ]

    def parameter_names(self) -> list[str]:
        """Names matching parameters(): ['W[1]', 'b[1]', ...]."""
        return [
            n for l in range(1, self.L + 1) for n in (f"W[{l}]", f"b[{l}]")
        ]

    # --- the public boundary: check once, then compute -------------------

    def forward(self, X) -> Cache:
        """Forward pass on X of shape (n_0, m); keeps every z[l] and a[l]."""
        return self._forward(self.check_inputs(X))

    def backward(self, cache: Cache, Y, input_grad: bool = False) -> Gradients:
        """Backward pass (the delta recursion) from a forward ``cache``.

        Y: targets (see ``check_targets``). Returns dC/dW[l], dC/db[l] and
        delta[l]; with ``input_grad``, also dC/dX of shape (n_0, m).
        """
        if not isinstance(cache, Cache):
            raise TypeError(
                f"cache must be the Cache returned by forward, got "
                f"{type(cache).__name__}"
            )
        _checks.check_parameters(self.W, self.b, self.sizes, self.dtype)
        Y = self.check_targets(Y, cache.a[0].shape[1])
        return self._backward(cache, Y, input_grad)

    def gradient(self, X, Y, input_grad: bool = False):
        """(C, Gradients) for inputs X (n_0, m) and targets Y."""
        X = self.check_inputs(X)
        Y = self.check_targets(Y, X.shape[1])
        cache = self._forward(X)
        C = self.loss.value(cache.z[self.L], cache.a[self.L], Y)
        return C, self._backward(cache, Y, input_grad)

    def cost(self, X, Y) -> float:
        """The loss C (mean over the batch) for inputs X and targets Y."""
        X = self.check_inputs(X)
        Y = self.check_targets(Y, X.shape[1])
        cache = self._forward(X)
        return self.loss.value(cache.z[self.L], cache.a[self.L], Y)

    def predict(self, X) -> np.ndarray:
        """The output a^L, shape (n_L, m)."""
        return self._forward(self.check_inputs(X)).a[self.L]

    def classify(self, X) -> np.ndarray:
        """The most probable class of each example, shape (m,).

        Needs n_L >= 2 outputs: with one output the argmax is always 0, so
        threshold ``predict(X)`` instead.
        """
        if self.sizes[-1] < 2:
            raise ValueError(
                "classify needs n_L >= 2 outputs (one per class), got "
                "n_L = 1; threshold predict(X) instead"
            )
        return self.predict(X).argmax(axis=0)

    def check_inputs(self, X) -> np.ndarray:
        """X as an array of the network's dtype, shape (n_0, m).

        Also checks the parameters (shapes, dtype, no NaN or inf), since
        every public computation starts here.
        """
        _checks.check_parameters(self.W, self.b, self.sizes, self.dtype)
        return _checks.as_inputs(X, self.sizes[0], self.dtype)

    def check_targets(self, Y, m: int) -> np.ndarray:
        """Targets as an array of shape (n_L, m) in the network's dtype.

        Classifiers take integer labels of shape (m,) or one-hot columns
        of shape (n_L, m); regressors take (n_L, m), or (m,) if n_L = 1.
        """
        return _checks.as_targets(
            Y, self.sizes[-1], m, self.is_classifier, self.dtype
        )

    # --- the unchecked core, used by training ------------------------------

    def _forward(self, X: np.ndarray) -> Cache:
        z, a = [None], [X]
        for l in range(1, self.L + 1):
            z_l = self.W[l] @ a[l - 1]
            z_l += self.b[l]  # z^l = W^l a^{l-1} + b^l
            z.append(z_l)
            a.append(self.f[l].f(z_l))  # a^l = f^l(z^l)
        return Cache(z, a)

    def _backward(
        self,
        cache: Cache,
        Y: np.ndarray,
        input_grad: bool = False,
        out: "Gradients | None" = None,
    ) -> Gradients:
        # With ``out`` (the Gradients of an earlier call, which training no
        # longer needs), dW and db are written into its arrays: no large
        # array is allocated, and so none is faulted in again, per step.
        L, z, a = self.L, cache.z, cache.a
        dW = out.dW if out is not None else [None] * (L + 1)
        db = out.db if out is not None else [None] * (L + 1)
        delta = [None] * (L + 1)
        delta[L] = self.loss.output_error(z[L], a[L], Y, self.f[L])
        for l in range(L, 0, -1):
            # dC/dW^l = delta^l (a^{l-1})^T
            dW[l] = np.matmul(delta[l], a[l - 1].T, out=dW[l])
            db[l] = np.sum(delta[l], axis=1, keepdims=True, out=db[l])
            if l > 1:
                # delta^{l-1} = (f^{l-1})'(z^{l-1}) o ((W^l)^T delta^l)
                back = self.W[l].T @ delta[l]
                back *= self.f[l - 1].f_prime(z[l - 1])
                delta[l - 1] = back
        dx = self.W[1].T @ delta[1] if input_grad else None
        return Gradients(dW, db, delta, dx)


def _check_sizes(sizes) -> tuple[int, ...]:
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"sizes must be a sequence of layer widths (n_0, ..., n_L), "
            f"got {sizes!r}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least two widths (n_0, n_1), got {sizes!r}"
        )
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sizes[{i}] must be an integer, got {n!r}")
        if n < 1:
            raise ValueError(f"sizes[{i}] must be at least 1, got {n}")
    return tuple(int(n) for n in sizes)


def _check_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _check_activations(hidden, output, L: int) -> list[Activation]:
    if isinstance(hidden, (str, Activation)):
        hidden = [hidden] * (L - 1)
    hidden = [get_activation(h) for h in hidden]
    if len(hidden) != L - 1:
        raise ValueError(
            f"hidden must give one activation or L - 1 = {L - 1} of them, "
            f"got {len(hidden)}"
        )
    for l, f in enumerate(hidden, start=1):
        if not f.elementwise:
            raise ValueError(
                f"{f.name} is not elementwise and may only be the output "
                f"activation, not f^{l} of a hidden layer"
            )
    return hidden + [get_activation(output)]
