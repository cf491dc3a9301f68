"""What a gradient costs: backpropagation against three alternatives.

Each alternative gives the same gradient as the delta recursion, at a
higher cost:

- ``naive_backward`` computes every delta^l from scratch, repeating the
  products of all later layers (O(L^2) products instead of O(L));
- ``forward_accumulation_input_gradient`` carries the Jacobian
  d z^l / d x forward from the input, one matrix-matrix product per layer,
  where ``reverse_input_gradient`` carries one vector per example back;
- ``finite_difference_entries`` and ``tangent_entries`` get one partial
  derivative per parameter, from two forward passes or one tangent pass.

The ``*_mults`` functions count the scalar multiplications each method
performs, from the layer widths alone; ``count_multiplications`` counts
them by running the code on numbers that tally their own products, and
``min_time`` and ``min_times`` time calls with BLAS held to one thread.
Columns are examples, as everywhere in bplib.
"""

import time
import tracemalloc
from collections.abc import Callable, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from .activations import Activation
from .network import Cache, Gradients, Network

__all__ = [
    "naive_backward",
    "reverse_input_gradient",
    "forward_accumulation_input_gradient",
    "finite_difference_entries",
    "tangent_entries",
    "forward_mults",
    "backprop_mults",
    "naive_mults",
    "reverse_input_mults",
    "forward_accumulation_mults",
    "tangent_mults",
    "cache_nbytes",
    "peak_forward_bytes",
    "count_multiplications",
    "min_time",
    "min_times",
]

#: Step of the central differences in ``finite_difference_entries``.
FD_STEP = 1e-6


# --- the methods -----------------------------------------------------------


def naive_backward(net: Network, cache: Cache, Y: np.ndarray) -> Gradients:
    """Gradients with each delta^l computed from scratch from delta^L.

    delta^l = f'(z^l) o (W^{l+1})^T (... (f'(z^{L-1}) o (W^L)^T delta^L)),
    evaluated right to left for every l on its own: nothing is reused.
    ``cache`` comes from ``net.forward``; Y as in ``Network.backward``.
    Shapes as in ``Gradients``.
    """
    if not isinstance(cache, Cache):
        raise TypeError(
            f"cache must be the Cache returned by forward, got "
            f"{type(cache).__name__}"
        )
    Y = net.check_targets(Y, cache.a[0].shape[1])
    return _naive_backward(net, cache, Y)


def _naive_backward(net, cache, Y):
    L, z, a = net.L, cache.z, cache.a
    dW, db, delta = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    delta_L = net.loss.output_error(z[L], a[L], Y, net.f[L])
    for l in range(1, L + 1):
        d = delta_L
        for k in range(L, l, -1):  # the whole suffix product, again
            d = (net.W[k].T @ d) * net.f[k - 1].f_prime(z[k - 1])
        delta[l] = d
        dW[l] = d @ a[l - 1].T
        db[l] = d.sum(axis=1, keepdims=True)
    return Gradients(dW, db, delta)


def reverse_input_gradient(net: Network, X, Y) -> np.ndarray:
    """dC/dX, shape (n_0, m), by the delta recursion (vectors only).

    Only the input gradient: no weight gradients are formed, so the cost
    is one forward pass plus one (W^l)^T delta^l product per layer.
    """
    X, Y = _checked(net, X, Y)
    return _reverse_input_gradient(net, X, Y)


def _reverse_input_gradient(net, X, Y):
    cache = net._forward(X)
    z, a, L = cache.z, cache.a, net.L
    d = net.loss.output_error(z[L], a[L], Y, net.f[L])
    for l in range(L, 1, -1):
        d = (net.W[l].T @ d) * net.f[l - 1].f_prime(z[l - 1])
    return net.W[1].T @ d


def forward_accumulation_input_gradient(net: Network, X, Y) -> np.ndarray:
    """dC/dX, shape (n_0, m), by carrying Jacobians forward from x.

    For each example, J^1 = W^1 and J^l = W^l (f'(z^{l-1}) o J^{l-1}) is
    dz^l/dx, shape (n_l, n_0): a matrix-matrix product per layer. Then
    dC/dx = (J^L)^T delta^L, with delta^L = dC/dz^L.
    """
    X, Y = _checked(net, X, Y)
    return _forward_accumulation(net, X, Y)


def _forward_accumulation(net, X, Y):
    cache = net._forward(X)
    z, a, L = cache.z, cache.a, net.L
    delta_L = net.loss.output_error(z[L], a[L], Y, net.f[L])
    grad = np.empty(X.shape, dtype=delta_L.dtype)
    for i in range(X.shape[1]):
        J = net.W[1]  # dz^1/dx
        for l in range(2, L + 1):
            J = net.W[l] @ (net.f[l - 1].f_prime(z[l - 1][:, i : i + 1]) * J)
        grad[:, i] = J.T @ delta_L[:, i]
    return grad


def finite_difference_entries(
    net: Network,
    X,
    Y,
    entries: Sequence[tuple[int, tuple]],
    h: float = FD_STEP,
) -> np.ndarray:
    """Central differences (C(p + h) - C(p - h)) / 2h, one per entry.

    ``entries`` lists (k, index) pairs: parameter k of
    ``net.parameters()`` and an index into it. Two forward passes per
    entry; each parameter is restored. Returns shape (len(entries),).
    """
    X, Y = _checked(net, X, Y)
    params = net.parameters()
    out = np.empty(len(entries))
    for i, (k, idx) in enumerate(entries):
        p = params[k]
        old = p[idx]
        p[idx] = old + h
        c_plus = _cost(net, X, Y)
        p[idx] = old - h
        c_minus = _cost(net, X, Y)
        p[idx] = old
        out[i] = (c_plus - c_minus) / (2 * h)
    return out


def _cost(net, X, Y) -> float:
    cache = net._forward(X)
    return net.loss.value(cache.z[net.L], cache.a[net.L], Y)


def tangent_entries(
    net: Network, X, Y, entries: Sequence[tuple[int, tuple]]
) -> np.ndarray:
    """Forward-mode derivatives dC/dp, one tangent pass per entry.

    For p = W^l_{jk} the tangent of z^l is a^{l-1}_k in row j (for b^l_j,
    ones in row j); layers above carry it on with
    dz^{q} = W^q (f'(z^{q-1}) o dz^{q-1}), and dC/dp = sum(delta^L o dz^L).
    Entries as in ``finite_difference_entries``; one forward pass of
    values is shared by all of them. Returns shape (len(entries),).
    """
    X, Y = _checked(net, X, Y)
    return _tangent_entries(net, X, Y, entries)


def _tangent_entries(net, X, Y, entries):
    cache = net._forward(X)
    z, a, L = cache.z, cache.a, net.L
    delta_L = net.loss.output_error(z[L], a[L], Y, net.f[L])
    out = np.empty(len(entries), dtype=delta_L.dtype)
    for i, (k, idx) in enumerate(entries):
        l, j = k // 2 + 1, idx[0]
        dz = np.zeros_like(z[l])
        dz[j] = a[l - 1][idx[1]] if k % 2 == 0 else 1.0
        for q in range(l + 1, L + 1):
            dz = net.W[q] @ (net.f[q - 1].f_prime(z[q - 1]) * dz)
        out[i] = (delta_L * dz).sum()
    return out


def _checked(net: Network, X, Y):
    X = net.check_inputs(X)
    return X, net.check_targets(Y, X.shape[1])


# --- analytic counts of scalar multiplications ----------------------------
# Matrix products n_l x n_{l-1} times n_{l-1} x m cost n_l n_{l-1} m;
# each Hadamard product with f'(z^l) costs n_l m. Additions, the
# activations themselves and the output error are not counted.


def _pairs(sizes):
    return [(sizes[l], sizes[l - 1]) for l in range(1, len(sizes))]


def forward_mults(sizes: Sequence[int], m: int) -> int:
    """One forward pass: sum over l of n_l n_{l-1} m."""
    return sum(n * p * m for n, p in _pairs(sizes))


def backprop_mults(
    sizes: Sequence[int], m: int, input_grad: bool = False
) -> int:
    """The delta recursion: delta^l (a^{l-1})^T for every l, plus
    (W^l)^T delta^l and f' o for l >= 2 (and (W^1)^T delta^1 if asked)."""
    pairs = _pairs(sizes)
    weights = sum(n * p * m for n, p in pairs)
    back = sum(n * p * m + p * m for n, p in pairs[1:])
    extra = pairs[0][0] * pairs[0][1] * m if input_grad else 0
    return weights + back + extra


def naive_mults(sizes: Sequence[int], m: int) -> int:
    """``naive_backward``: delta^l repeats the suffix of layers l+1..L."""
    pairs = _pairs(sizes)
    L = len(pairs)
    weights = sum(n * p * m for n, p in pairs)
    step = [n * p * m + p * m for n, p in pairs]  # step[k-1]: layer k
    # Layer k's step is repeated once for every l < k: (k - 1) times.
    return weights + sum((k - 1) * step[k - 1] for k in range(1, L + 1))


def reverse_input_mults(sizes: Sequence[int], m: int) -> int:
    """``reverse_input_gradient``: a forward pass, then one vector step per
    layer back to the input."""
    pairs = _pairs(sizes)
    back = sum(n * p * m + p * m for n, p in pairs[1:])
    return forward_mults(sizes, m) + back + pairs[0][0] * pairs[0][1] * m


def forward_accumulation_mults(sizes: Sequence[int], m: int) -> int:
    """``forward_accumulation_input_gradient``: a forward pass, then per
    example f' o J^{l-1} and W^l J^{l-1} (n_l n_{l-1} n_0) for l >= 2,
    and (J^L)^T delta^L."""
    n_0, pairs = sizes[0], _pairs(sizes)
    per_example = sum(n * p * n_0 + p * n_0 for n, p in pairs[1:])
    per_example += sizes[-1] * n_0
    return forward_mults(sizes, m) + m * per_example


def tangent_mults(sizes: Sequence[int], m: int, l: int) -> int:
    """One tangent pass of ``tangent_entries`` for a parameter of layer l:
    the layers above l (its seed row is a copy), then delta^L o dz^L."""
    pairs = _pairs(sizes)
    above = sum(n * p * m + p * m for n, p in pairs[l:])
    return above + sizes[-1] * m


# --- counting multiplications by running the code -------------------------


class _Counted(float):
    """A float that adds one to ``_TALLY`` whenever it is multiplied."""

    def __mul__(self, other):
        _TALLY[0] += 1
        return _Counted(float(self) * float(other))

    __rmul__ = __mul__

    def __add__(self, other):
        return _Counted(float(self) + float(other))

    __radd__ = __add__

    def __sub__(self, other):
        return _Counted(float(self) - float(other))

    def __rsub__(self, other):
        return _Counted(float(other) - float(self))

    def __truediv__(self, other):
        return _Counted(float(self) / float(other))

    def __neg__(self):
        return _Counted(-float(self))


_TALLY = [0]


def _as_counting(A: np.ndarray) -> np.ndarray:
    """A copy of A as an object array of numbers that count products."""
    flat = np.asarray(A, dtype=float).ravel()
    out = np.empty(flat.shape, dtype=object)
    out[:] = [_Counted(v) for v in flat]
    return out.reshape(np.shape(A))


def _counting_network(net: Network) -> Network:
    """A copy of ``net`` whose W[l], b[l] and f' count their products."""
    copy = Network.__new__(Network)
    copy.__dict__.update(net.__dict__)
    copy.dtype = np.dtype(object)
    copy.W = [None] + [_as_counting(w) for w in net.W[1:]]
    copy.b = [None] + [_as_counting(b) for b in net.b[1:]]
    # f' returns counting numbers too, so that every Hadamard product is
    # counted, even one whose other factor is a plain 0 (a tangent seed).
    copy.f = [None] + [
        Activation(f.name, f.f, _counting(f.f_prime), f.elementwise)
        for f in net.f[1:]
    ]
    return copy


def _counting(f_prime):
    return lambda z: _as_counting(f_prime(z))


#: The methods ``count_multiplications`` runs. Backward-only methods get a
#: forward cache made before counting starts.
METHODS = (
    "forward",
    "backprop",
    "backprop_input",
    "naive",
    "reverse_input",
    "forward_accumulation",
    "tangent",
)


def count_multiplications(
    method: str, net: Network, X, Y, entries: Sequence = ()
) -> int:
    """Run ``method`` on counting copies of ``net``, X and Y; return the
    number of scalar products it performed.

    The copies hold Python numbers that tally their own products, so this
    is slow: for small networks only, with relu or identity activations
    and the identity output (their code runs on object arrays).
    ``entries`` is for "tangent", as in ``tangent_entries``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    X, Y = _checked(net, X, Y)
    cnet, Xc, Yc = _counting_network(net), _as_counting(X), _as_counting(Y)
    cache = cnet._forward(Xc)
    runs = {
        "forward": lambda: cnet._forward(Xc),
        "backprop": lambda: cnet._backward(cache, Yc),
        "backprop_input": lambda: cnet._backward(cache, Yc, True),
        "naive": lambda: _naive_backward(cnet, cache, Yc),
        "reverse_input": lambda: _reverse_input_gradient(cnet, Xc, Yc),
        "forward_accumulation": lambda: _forward_accumulation(cnet, Xc, Yc),
        "tangent": lambda: _tangent_entries(cnet, Xc, Yc, entries),
    }
    _TALLY[0] = 0
    runs[method]()
    return _TALLY[0]


# --- memory and time ---------------------------------------------------------


def cache_nbytes(sizes: Sequence[int], m: int, itemsize: int = 8) -> int:
    """Bytes that caching z^l and a^l (l = 1..L), each (n_l, m), takes."""
    return 2 * sum(sizes[1:]) * m * itemsize


def peak_forward_bytes(net: Network, X) -> int:
    """Peak bytes allocated (tracemalloc) while ``net.forward(X)`` runs."""
    X = net.check_inputs(X)
    tracemalloc.start()
    try:
        cache = net._forward(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del cache
    return peak


def min_time(
    run: Callable[[], object], repeat: int = 5, min_seconds: float = 0.01
) -> float:
    """Seconds per call of ``run``; see ``min_times``."""
    return min_times([run], repeat, min_seconds)[0]


def min_times(
    runs: Sequence[Callable[[], object]],
    repeat: int = 5,
    min_seconds: float = 0.01,
) -> list[float]:
    """Seconds per call of each of ``runs``, with BLAS held to one thread.

    Each is the minimum over ``repeat`` repeats of enough calls to last
    ``min_seconds``; the runs take turns within every repeat, so a busy
    spell of the machine slows them alike and their ratio holds. The
    clock is the process's CPU time, which leaves out time spent waiting
    for a core (with one thread, the wall-clock time of a quiet machine).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        number = [_calls_needed(run, min_seconds) for run in runs]
        best = [np.inf] * len(runs)
        for _ in range(repeat):
            for j, run in enumerate(runs):
                start = time.process_time()
                for _ in range(number[j]):
                    run()
                elapsed = (time.process_time() - start) / number[j]
                best[j] = min(best[j], elapsed)
    return best


def _calls_needed(run, min_seconds: float) -> int:
    run()  # warm up caches and BLAS buffers
    start = time.process_time()
    run()
    once = max(time.process_time() - start, 1e-9)
    return max(1, int(min_seconds / once))
