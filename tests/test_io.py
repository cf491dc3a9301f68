"""Saving to and loading from .npz: round trip, architecture checks, errors."""

import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplib import Network, load_network, load_parameters, save_network

SETTINGS = settings(derandomize=True, deadline=None, max_examples=25)


@SETTINGS
@given(
    st.lists(st.integers(1, 8), min_size=2, max_size=5),
    st.sampled_from(["sigmoid", "tanh", "relu", "identity"]),
    st.sampled_from(
        [("softmax", "cross_entropy"), ("sigmoid", "squared_error")]
    ),
    st.sampled_from([np.float32, np.float64]),
    st.integers(0, 1000),
)
def test_save_then_load_gives_the_same_network(
    tmp_path_factory, sizes, hidden, pair, dtype, seed
):
    net = Network(sizes, hidden, *pair, seed=seed, dtype=dtype)
    path = tmp_path_factory.mktemp("io") / "net.npz"
    save_network(net, path)
    back = load_network(path)
    assert repr(back) == repr(net) and back.dtype == net.dtype
    for p, q in zip(net.parameters(), back.parameters()):
        assert p.dtype == q.dtype and p.tobytes() == q.tobytes()
    X = np.random.default_rng(seed).normal(size=(sizes[0], 3))
    assert np.array_equal(net.predict(X), back.predict(X))


def test_file_holds_no_pickled_objects(tmp_path):
    path = tmp_path / "net.npz"
    save_network(Network([3, 2], seed=0), path)
    with np.load(path, allow_pickle=False) as data:
        assert all(data[key].dtype != object for key in data.files)


def test_load_parameters_into_a_matching_network(tmp_path):
    path = tmp_path / "net.npz"
    src = Network([3, 4, 2], seed=1)
    save_network(src, path)
    dst = Network([3, 4, 2], seed=2)
    W1 = dst.W[1]
    load_parameters(dst, path)
    assert dst.W[1] is W1  # loaded in place
    np.testing.assert_array_equal(dst.W[1], src.W[1])


@pytest.mark.parametrize(
    "other,what",
    [
        (lambda: Network([3, 5, 2]), "sizes"),
        (lambda: Network([3, 4, 2], hidden="tanh"), "activations"),
        (lambda: Network([3, 4, 2], dtype=np.float32), "dtype"),
        (
            lambda: Network([3, 4, 2], output="sigmoid", loss="squared_error"),
            "activations",
        ),
    ],
)
def test_loading_into_another_architecture_raises(tmp_path, other, what):
    path = tmp_path / "net.npz"
    save_network(Network([3, 4, 2], seed=1), path)
    net = other()
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(ValueError, match=what):
        load_parameters(net, path)
    for p, q in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, q)


def test_a_corrupt_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "net.npz"
    save_network(Network([3, 2], seed=0), path)
    path.write_bytes(path.read_bytes()[:100])  # truncated
    with pytest.raises(ValueError, match="not a readable .npz"):
        load_network(path)
    path.write_text("not a zip file")
    with pytest.raises(ValueError, match="not a readable .npz"):
        load_network(path)


def test_a_file_with_a_pickled_object_is_refused(tmp_path):
    path = tmp_path / "net.npz"
    with open(path, "wb") as f:
        np.savez(f, format=np.array(1), sizes=np.array([object()]))
    with pytest.raises(ValueError, match="not a readable"):
        load_network(path)


def _rewrite(path, **changes):
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    arrays.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del arrays[key]
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    "changes,match",
    [
        ({"W2": np.zeros((2, 5))}, r"W\[2\] must have shape \(2, 4\)"),
        ({"b1": np.full((4, 1), np.nan)}, r"b\[1\] contains NaN"),
        ({"W2": None}, "should hold W1..W2"),
        ({"W3": np.zeros((1, 1))}, "should hold W1..W2"),
        ({"loss": None}, "no \\['loss'\\]"),
        ({"format": np.array(2)}, "format 2"),
        ({"activations": np.array(["relu", "swish"])}, "swish"),
        ({"sizes": np.array([3.0, 4.0, 2.0])}, "malformed"),
        ({"W1": np.zeros((4, 3), dtype=np.float32)}, "W\\[1\\] must be a"),
    ],
)
def test_a_mismatched_file_gives_a_clear_error(tmp_path, changes, match):
    path = tmp_path / "net.npz"
    save_network(Network([3, 4, 2], seed=0), path)
    _rewrite(path, **changes)
    with pytest.raises(ValueError, match=match):
        load_network(path)


def test_a_custom_activation_cannot_be_saved(tmp_path):
    from bplib.activations import Activation

    mine = Activation("mine", np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    with pytest.raises(ValueError, match="custom activation 'mine'"):
        save_network(Network([2, 3, 2], hidden=mine), tmp_path / "n.npz")


def test_the_saved_file_is_a_plain_zip_of_npy_arrays(tmp_path):
    path = tmp_path / "net.npz"
    save_network(Network([3, 4, 2], seed=0), path)
    names = set(zipfile.ZipFile(path).namelist())
    assert names == {
        f"{k}.npy"
        for k in (
            "format",
            "sizes",
            "activations",
            "loss",
            "dtype",
            "W1",
            "b1",
            "W2",
            "b2",
        )
    }
