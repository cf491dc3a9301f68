"""Reverse-mode automatic differentiation on a graph of matrix operations.

Every operation returns a ``Node``: its value, the nodes it was computed
from (its parents) and its vector-Jacobian product ``vjp``, which maps the
gradient G = dC/d(value) to one contribution per parent. ``backward``
visits the nodes in reverse topological order, so that a node's gradient is
complete before it is passed on, and adds (+=) every contribution into the
parent's ``grad``, because a value used by several operations receives one
contribution from each of them.

Shapes follow bplib: columns are examples, a bias has shape (n, 1) and is
added to every column. ``network_graph`` builds the graph of a
``bplib.Network``; on it, the gradient of z^l is exactly delta^l.

Limitations: the graph is rebuilt for every input (nothing is compiled),
every intermediate value is kept until the graph is dropped, and only the
operations below exist; there is no general broadcasting and no
second derivative.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _checks
from .activations import Activation, get_activation, softmax
from .losses import log_softmax
from .network import Gradients, Network

__all__ = [
    "Node",
    "leaf",
    "matmul",
    "add",
    "mul",
    "add_bias",
    "activation",
    "softmax_cross_entropy",
    "squared_error",
    "topological_order",
    "backward",
    "NetworkGraph",
    "network_graph",
]

VJP = Callable[[np.ndarray], tuple]


@dataclass(eq=False)
class Node:
    """One value of the graph and how to send its gradient to its parents.

    ``op`` names the operation ("leaf" for an input or a parameter);
    ``vjp(G)`` returns one array per parent, the shape of that parent's
    value. ``grad`` is dC/d(value) after ``backward``, else None. Nodes
    compare by identity, so a graph may hold equal values twice.
    """

    value: np.ndarray
    op: str = "leaf"
    parents: tuple = ()
    vjp: "VJP | None" = field(default=None, repr=False)
    name: str = ""
    grad: "np.ndarray | None" = field(default=None, repr=False)

    @property
    def shape(self) -> tuple:
        return self.value.shape

    def __repr__(self) -> str:
        return f"Node({self.name!r}, op={self.op!r}, shape={self.shape})"


def leaf(value, name: str = "") -> Node:
    """A value the graph starts from (an input or a parameter).

    The array is used as it is, not copied (float arrays), so a graph built
    on ``net.W[l]`` sees the network's weights.
    """
    dtype = np.asarray(value).dtype
    if dtype not in _checks.FLOAT_DTYPES:
        dtype = np.float64
    arr = _checks.as_float_array(value, name or "value", dtype)
    return Node(arr, "leaf", (), None, name)


# --- operations: each value beside its vector-Jacobian product ----------


def matmul(A: Node, B: Node, name: str = "") -> Node:
    """Z = A B for A (n, k) and B (k, m); dC/dA = G B^T, dC/dB = A^T G."""
    _need_nodes(A=A, B=B)
    if A.value.ndim != 2 or B.value.ndim != 2:
        raise ValueError(
            f"matmul needs 2-D values, got shapes {A.shape} and {B.shape}"
        )
    if A.shape[1] != B.shape[0]:
        raise ValueError(
            f"matmul: A has shape {A.shape} and B has shape {B.shape}; "
            f"A's {A.shape[1]} columns must match B's {B.shape[0]} rows"
        )

    def vjp(G):
        return G @ B.value.T, A.value.T @ G

    return Node(A.value @ B.value, "matmul", (A, B), vjp, name)


def add(A: Node, B: Node, name: str = "") -> Node:
    """A + B for values of one shape; both receive G unchanged."""
    _need_nodes(A=A, B=B)
    _same_shape("add", A, B)
    return Node(A.value + B.value, "add", (A, B), lambda G: (G, G), name)


def mul(A: Node, B: Node, name: str = "") -> Node:
    """Elementwise A * B; dC/dA = G * B, dC/dB = G * A."""
    _need_nodes(A=A, B=B)
    _same_shape("mul", A, B)

    def vjp(G):
        return G * B.value, G * A.value

    return Node(A.value * B.value, "mul", (A, B), vjp, name)


def add_bias(U: Node, b: Node, name: str = "") -> Node:
    """Z = U + b 1^T: b (n, 1) is added to each of the m columns of U.

    b is used once per column, so its gradient sums G over the columns:
    dC/dU = G, dC/db = G 1 (shape (n, 1)).
    """
    _need_nodes(U=U, b=b)
    if U.value.ndim != 2:
        raise ValueError(f"add_bias needs a 2-D U, got shape {U.shape}")
    if b.shape != (U.shape[0], 1):
        raise ValueError(
            f"add_bias: b must have shape ({U.shape[0]}, 1) for U of shape "
            f"{U.shape}, got shape {b.shape}"
        )

    def vjp(G):
        return G, G.sum(axis=1, keepdims=True)

    return Node(U.value + b.value, "add_bias", (U, b), vjp, name)


def activation(Z: Node, f: "str | Activation", name: str = "") -> Node:
    """A = f(Z) elementwise; dC/dZ = f'(Z) * G.

    Softmax is not elementwise: use ``softmax_cross_entropy`` instead.
    """
    _need_nodes(Z=Z)
    f = get_activation(f)
    if not f.elementwise:
        raise ValueError(
            f"activation takes an elementwise f, got {f.name}; for a "
            "softmax output use softmax_cross_entropy(Z, Y)"
        )

    def vjp(G):
        return (G * f.f_prime(Z.value),)

    return Node(f.f(Z.value), f.name, (Z,), vjp, name)


def softmax_cross_entropy(Z: Node, Y, name: str = "C") -> Node:
    """C = -(1/m) sum_i y_i . log softmax(z_i), a scalar (shape ()).

    Z holds the logits (K, m); Y (K, m) is a constant with columns that sum
    to 1. dC/dZ = G (softmax(Z) - Y) / m.
    """
    _need_nodes(Z=Z)
    Y = _constant_like(Y, Z, "Y")
    m = Z.shape[1]
    # The value from log-sum-exp, as bplib.losses does: no log of 0.
    value = np.asarray(
        -np.vdot(Y, log_softmax(Z.value)) / m, dtype=Z.value.dtype
    )

    def vjp(G):
        return (G * (softmax.f(Z.value) - Y) / m,)

    return Node(value, "softmax_ce", (Z,), vjp, name)


def squared_error(A: Node, Y, name: str = "C") -> Node:
    """C = (1/m) sum_i (1/2) ||a_i - y_i||^2; dC/dA = G (A - Y) / m."""
    _need_nodes(A=A)
    Y = _constant_like(Y, A, "Y")
    m = A.shape[1]
    diff = A.value - Y
    value = np.asarray(0.5 * np.vdot(diff, diff) / m, dtype=A.value.dtype)

    def vjp(G):
        return (G * diff / m,)

    return Node(value, "squared_error", (A,), vjp, name)


# --- the reverse sweep -----------------------------------------------------


def topological_order(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each after all of its parents.

    A depth-first search that appends a node once its parents are done;
    iterative, so a deep graph does not hit Python's recursion limit.
    Parents that are operations are searched before leaves, so the order
    reads from the input side (X, W[1], ..., C for a network).
    """
    _need_nodes(output=output)
    order, done = [], set()
    stack = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if id(node) in done:
            continue
        if parents_done:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        ops = [p for p in node.parents if p.parents]
        leaves = [p for p in node.parents if not p.parents]
        for parent in reversed(ops + leaves):  # the stack pops ops first
            if id(parent) not in done:
                stack.append((parent, False))
    return order


def backward(
    output: Node, order: "Sequence[Node] | None" = None
) -> list[Node]:
    """Fill ``grad`` = dC/d(value) of every node that ``output`` depends on.

    ``output`` must be a scalar C (shape () or one entry). Every grad is
    first reset to zero, so calling ``backward`` twice gives the same
    result. ``order`` (default: ``topological_order(output)``) exists to
    show what a wrong order does; it must list every node once. Returns
    the order used.
    """
    needed = topological_order(output)
    if order is None:
        order = needed
    elif sorted(map(id, order)) != sorted(map(id, needed)):
        raise ValueError(
            "order must list every node that output depends on, once"
        )
    if output.value.size != 1:
        raise ValueError(
            f"backward needs a scalar output, got shape {output.shape}"
        )
    for node in order:
        node.grad = np.zeros_like(node.value)
    output.grad = np.ones_like(output.value)  # dC/dC = 1
    for node in reversed(order):
        if node.vjp is None:
            continue
        for parent, contribution in zip(node.parents, node.vjp(node.grad)):
            parent.grad += contribution  # one term per use of the parent
    return list(order)


# --- a bplib Network as a graph --------------------------------------------


@dataclass
class NetworkGraph:
    """The nodes of a network's graph, indexed as in the book.

    ``W[l]``, ``b[l]``, ``z[l]``, ``a[l]`` for l = 1..L (index 0 is None,
    except ``a[0]``, the input X); ``C`` is the loss. For a softmax output
    ``a[L]`` is None: the loss node takes the logits z^L directly.
    """

    W: list
    b: list
    z: list
    a: list
    C: Node

    def gradients(self) -> Gradients:
        """The graph's grads as bplib Gradients (after ``backward``)."""
        if self.C.grad is None:
            raise ValueError("call backward(graph.C) first")
        L = len(self.W) - 1
        dW = [None] + [self.W[l].grad for l in range(1, L + 1)]
        db = [None] + [self.b[l].grad for l in range(1, L + 1)]
        delta = [None] + [self.z[l].grad for l in range(1, L + 1)]
        return Gradients(dW, db, delta, self.a[0].grad)


def network_graph(net: Network, X, Y) -> NetworkGraph:
    """Build the graph of ``net`` on inputs X (n_0, m) and targets Y.

    The leaves are X and the network's own arrays W[l], b[l] (not copies).
    Each layer adds three nodes: W^l a^{l-1}, z^l = W^l a^{l-1} + b^l and
    a^l = f^l(z^l); the loss node follows (softmax with cross-entropy is
    one node, from z^L).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    X = net.check_inputs(X)
    Y = net.check_targets(Y, X.shape[1])
    L = net.L
    W, b = [None], [None]
    z, a = [None], [leaf(X, "X")]
    for l in range(1, L + 1):
        W.append(leaf(net.W[l], f"W[{l}]"))
        b.append(leaf(net.b[l], f"b[{l}]"))
        product = matmul(W[l], a[l - 1], f"W[{l}] a[{l - 1}]")
        z.append(add_bias(product, b[l], f"z[{l}]"))
        if l == L and net.is_classifier:
            a.append(None)
        else:
            a.append(activation(z[l], net.f[l], f"a[{l}]"))
    if net.is_classifier:
        C = softmax_cross_entropy(z[L], Y)
    else:
        C = squared_error(a[L], Y)
    return NetworkGraph(W, b, z, a, C)


# --- checks at the public boundary ----------------------------------------


def _need_nodes(**nodes) -> None:
    for name, node in nodes.items():
        if not isinstance(node, Node):
            raise TypeError(
                f"{name} must be a Node (wrap arrays with leaf), got "
                f"{type(node).__name__}"
            )


def _same_shape(op: str, A: Node, B: Node) -> None:
    if A.shape != B.shape:
        raise ValueError(
            f"{op} needs values of one shape, got {A.shape} and {B.shape}"
        )


def _constant_like(Y, node: Node, name: str) -> np.ndarray:
    Y = _checks.as_float_array(Y, name, node.value.dtype)
    if node.value.ndim != 2 or Y.shape != node.shape:
        raise ValueError(
            f"{name} must have the shape of the output (n_L, m) = "
            f"{node.shape}, got shape {Y.shape}"
        )
    return Y
