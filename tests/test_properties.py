"""Properties of bplib over random architectures, checked with hypothesis.

Every test runs with fixed settings (``derandomize=True``, so CI draws the
same examples every time, ``deadline=None`` and a stated ``max_examples``).
A drawn problem is a network of depth L = 1..5 with widths 1..20, any
hidden activation per layer, any allowed output pair, batch size m = 1..6
(1 included), inputs |x| <= X_BOUND, Glorot-uniform weights (|w| <= sqrt 3)
and biases |b| <= B_BOUND. Parameters come from a numpy Generator seeded
by the drawn seed, so hypothesis shrinks the architecture and the seed.
"""

import numpy as np
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from bplib import Network
from bplib.initialisers import INITIALISERS

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
OUTPUT_PAIRS = [
    ("softmax", "cross_entropy"),
    ("identity", "squared_error"),
    ("sigmoid", "squared_error"),
]
X_BOUND = 10.0
B_BOUND = 1.0
MAX_DEPTH, MAX_WIDTH, MAX_BATCH = 5, 20, 6

#: Central differences in float64: step and tolerances of
#: |g - g_num| <= FD_ATOL * max|g_num| + FD_RTOL * |g_num|.
FD_STEP = 1e-6
FD_ATOL, FD_RTOL = 1e-6, 1e-5
#: float32 backward pass against float64 on the same parameters.
F32_ATOL, F32_RTOL = 1e-4, 1e-3
#: A batch of m identical examples against the single example.
SAME_ATOL, SAME_RTOL = 1e-12, 1e-10


def _settings(max_examples: int):
    return settings(
        derandomize=True,
        deadline=None,
        max_examples=max_examples,
        suppress_health_check=[HealthCheck.too_slow],
    )


@st.composite
def problems(draw, dtype=np.float64):
    """(net, X, Y): a random network with a batch and its targets."""
    L = draw(st.integers(1, MAX_DEPTH))
    sizes = draw(
        st.lists(st.integers(1, MAX_WIDTH), min_size=L + 1, max_size=L + 1)
    )
    hidden = draw(
        st.lists(st.sampled_from(HIDDEN), min_size=L - 1, max_size=L - 1)
    )
    output, loss = draw(st.sampled_from(OUTPUT_PAIRS))
    m = draw(st.integers(1, MAX_BATCH))
    seed = draw(st.integers(0, 2**32 - 1))
    net = Network(sizes, hidden, output, loss, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    for l in range(1, L + 1):
        net.b[l][...] = rng.uniform(-B_BOUND, B_BOUND, net.b[l].shape)
    X = rng.uniform(-X_BOUND, X_BOUND, (sizes[0], m))
    if net.is_classifier:
        Y = rng.integers(0, sizes[-1], size=m)
    elif output == "sigmoid":
        Y = rng.uniform(0, 1, (sizes[-1], m))
    else:
        Y = rng.normal(size=(sizes[-1], m))
    return net, X, Y


def _scaled_close(g, ref, atol, rtol):
    """|g - ref| <= atol * max|ref| + rtol * |ref|, entry by entry."""
    scale = max(float(np.max(np.abs(r))) for r in ref)
    return all(
        np.all(np.abs(a - b) <= atol * scale + rtol * np.abs(b))
        for a, b in zip(g, ref)
    )


def _flat_grads(net, X, Y):
    _, grads = net.gradient(X, Y)
    return [g for l in range(1, net.L + 1) for g in (grads.dW[l], grads.db[l])]


def _cost_and_relu_signs(net, X, Y):
    """C and, for each hidden ReLU layer, the sign pattern z[l] > 0."""
    cache = net._forward(X)
    signs = [
        cache.z[l] > 0 for l in range(1, net.L) if net.f[l].name == "relu"
    ]
    return net.loss.value(cache.z[net.L], cache.a[net.L], Y), signs


def _central_differences(net, X, Y):
    """Central differences of C over every parameter entry, or None when a
    ReLU pre-activation changes sign between the +h and -h evaluations."""
    X = net.check_inputs(X)
    Y = net.check_targets(Y, X.shape[1])
    out = []
    for p in net.parameters():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + FD_STEP
            c_plus, signs_plus = _cost_and_relu_signs(net, X, Y)
            p[idx] = old - FD_STEP
            c_minus, signs_minus = _cost_and_relu_signs(net, X, Y)
            p[idx] = old
            if any(np.any(a != b) for a, b in zip(signs_plus, signs_minus)):
                return None
            g[idx] = (c_plus - c_minus) / (2 * FD_STEP)
        out.append(g)
    return out


@_settings(max_examples=40)
@given(problems())
def test_backward_matches_central_differences_in_float64(problem):
    net, X, Y = problem
    numeric = _central_differences(net, X, Y)
    if numeric is None:
        # A ReLU unit crossed its kink between x - h and x + h: C is not
        # differentiable there, so no finite difference can judge the draw.
        reject()
    assert _scaled_close(_flat_grads(net, X, Y), numeric, FD_ATOL, FD_RTOL)


@_settings(max_examples=60)
@given(problems())
def test_float32_backward_agrees_with_float64(problem):
    net64, X, Y = problem
    net32 = Network(
        net64.sizes,
        [f.name for f in net64.f[1:-1]],
        net64.f[-1].name,
        net64.loss.name,
        dtype=np.float32,
    )
    for p32, p64 in zip(net32.parameters(), net64.parameters()):
        p32[...] = p64
        p64[...] = p32  # the same parameters: float32 values in both
    X = X.astype(np.float32)
    g32 = _flat_grads(net32, X, Y)
    assert all(g.dtype == np.float32 for g in g32)
    assert _scaled_close(g32, _flat_grads(net64, X, Y), F32_ATOL, F32_RTOL)


@_settings(max_examples=60)
@given(problems(), st.integers(2, 9))
def test_identical_examples_give_the_single_example_gradient(problem, m):
    net, X, Y = problem
    x, y = X[:, :1], (Y[:1] if Y.ndim == 1 else Y[:, :1])
    reps = (m,) if y.ndim == 1 else (1, m)
    batch = _flat_grads(net, np.tile(x, (1, m)), np.tile(y, reps))
    single = _flat_grads(net, x, y)
    assert _scaled_close(batch, single, SAME_ATOL, SAME_RTOL)


@_settings(max_examples=60)
@given(problems())
def test_loss_is_finite(problem):
    net, X, Y = problem
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(net.cost(X, Y))


@_settings(max_examples=60)
@given(
    problems(),
    st.sampled_from(sorted(set(INITIALISERS) - {"zeros"})),
    st.sampled_from([np.float32, np.float64]),
)
def test_seeded_construction_is_bit_for_bit_reproducible(problem, init, dt):
    net = problem[0]
    args = (net.sizes, "tanh", net.f[-1].name, net.loss.name, init)
    a, b, c = (Network(*args, seed=s, dtype=dt) for s in (7, 7, 8))
    for p, q, r in zip(a.parameters(), b.parameters(), c.parameters()):
        assert p.tobytes() == q.tobytes()
    assert any(p.tobytes() != r.tobytes() for p, r in zip(a.W[1:], c.W[1:]))


@_settings(max_examples=40)
@given(problems())
def test_integer_labels_and_one_hot_give_identical_results(problem):
    net, X, Y = problem
    if not net.is_classifier:
        net = Network(net.sizes[:-1] + (max(net.sizes[-1], 2),), seed=1)
        Y = np.arange(X.shape[1]) % net.sizes[-1]
    one_hot = np.eye(net.sizes[-1])[:, Y]
    C_int, g_int = net.gradient(X, Y)
    C_hot, g_hot = net.gradient(X, one_hot)
    assert C_int == C_hot
    for l in range(1, net.L + 1):
        assert np.array_equal(g_int.dW[l], g_hot.dW[l])
        assert np.array_equal(g_int.db[l], g_hot.db[l])


@_settings(max_examples=40)
@given(problems())
def test_public_calls_leave_the_callers_arrays_unchanged(problem):
    net, X, Y = problem
    X0, Y0 = X.copy(), np.array(Y, copy=True)
    params = [p.copy() for p in net.parameters()]
    cache = net.forward(X)
    net.backward(cache, Y, input_grad=True)
    net.gradient(X, Y)
    net.cost(X, Y)
    net.predict(X)
    assert np.array_equal(X, X0) and np.array_equal(Y, Y0)
    for p, q in zip(net.parameters(), params):
        assert np.array_equal(p, q)
