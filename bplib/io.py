"""Saving a network's parameters to ``.npz`` and loading them back.

The file holds plain arrays only, written with ``np.savez`` and read with
``np.load(..., allow_pickle=False)``, so loading never runs code from the
file. Besides W[l] (n_l, n_{l-1}) and b[l] (n_l, 1) it records the
architecture (sizes, activations, loss, dtype), which is checked on load:
a corrupt, truncated or mismatched file raises a ValueError that says
what is wrong.
"""

import os
import zipfile

import numpy as np

from . import _checks
from .activations import ACTIVATIONS
from .losses import LOSSES
from .network import Network

__all__ = ["save_network", "load_network", "load_parameters"]

#: Written into every file; a file of another version is refused.
FORMAT_VERSION = 1
_HEADER = ("format", "sizes", "activations", "loss", "dtype")


def save_network(net: Network, path: "str | os.PathLike") -> None:
    """Write ``net``'s architecture and parameters to ``path`` (.npz).

    The file name is used as given (no ``.npz`` is appended). Only the
    built-in activations and losses can be saved, since the file names
    them. Raises TypeError or ValueError before writing anything.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    _checks.check_parameters(net.W, net.b, net.sizes, net.dtype)
    for f in net.f[1:]:
        if ACTIVATIONS.get(f.name) is not f:
            raise ValueError(f"cannot save the custom activation {f.name!r}")
    if LOSSES.get(net.loss.name) is not net.loss:
        raise ValueError(f"cannot save the custom loss {net.loss.name!r}")
    arrays = {
        "format": np.array(FORMAT_VERSION),
        "sizes": np.array(net.sizes, dtype=np.int64),
        "activations": np.array([f.name for f in net.f[1:]]),
        "loss": np.array(net.loss.name),
        "dtype": np.array(net.dtype.name),
    }
    for l in range(1, net.L + 1):
        arrays[f"W{l}"], arrays[f"b{l}"] = net.W[l], net.b[l]
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def load_network(path: "str | os.PathLike") -> Network:
    """A new Network with the architecture and parameters saved at ``path``."""
    header, params = _read(path)
    acts = header["activations"]
    try:
        net = Network(
            header["sizes"],
            hidden=acts[:-1],
            output=acts[-1],
            loss=header["loss"],
            init="zeros",
            dtype=header["dtype"],
        )
    except (TypeError, ValueError) as err:
        raise ValueError(f"{os.fspath(path)}: {err}") from None
    _install(net, params, path)
    return net


def load_parameters(net: Network, path: "str | os.PathLike") -> None:
    """Load the parameters saved at ``path`` into ``net``, in place.

    Raises ValueError, naming both, when the file's architecture (sizes,
    activations, loss, dtype) differs from ``net``'s; ``net`` is then left
    unchanged.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    header, params = _read(path)
    mine = {
        "sizes": net.sizes,
        "activations": tuple(f.name for f in net.f[1:]),
        "loss": net.loss.name,
        "dtype": net.dtype.name,
    }
    for key, value in mine.items():
        if header[key] != value:
            raise ValueError(
                f"{os.fspath(path)} holds a network with {key} "
                f"{header[key]}, but net has {key} {value}"
            )
    _install(net, params, path)


def _read(path) -> tuple[dict, dict]:
    """Header and parameter arrays of a file, each checked for its form."""
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(
            f"{name} is not a readable .npz file of a bplib network: {err}"
        ) from None
    missing = [key for key in _HEADER if key not in arrays]
    if missing:
        raise ValueError(f"{name} is not a bplib network file: no {missing}")
    if arrays["format"].shape != () or arrays["format"] != FORMAT_VERSION:
        raise ValueError(
            f"{name} has format {arrays['format']}, expected {FORMAT_VERSION}"
        )
    header = _header(arrays, name)
    L = len(header["sizes"]) - 1
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    found = set(arrays) - set(_HEADER)
    if found != expected:
        raise ValueError(
            f"{name} should hold W1..W{L} and b1..b{L} for sizes "
            f"{header['sizes']}, got {sorted(found)}"
        )
    return header, {key: arrays[key] for key in expected}


def _header(arrays: dict, name: str) -> dict:
    sizes, acts = arrays["sizes"], arrays["activations"]
    loss, dtype = arrays["loss"], arrays["dtype"]
    if (
        sizes.ndim != 1
        or not np.issubdtype(sizes.dtype, np.integer)
        or acts.ndim != 1
        or acts.dtype.kind != "U"
        or len(acts) != len(sizes) - 1
        or loss.shape != ()
        or loss.dtype.kind != "U"
        or dtype.shape != ()
        or dtype.dtype.kind != "U"
    ):
        raise ValueError(f"{name} has a malformed architecture record")
    return {
        "sizes": tuple(int(n) for n in sizes),
        "activations": tuple(str(a) for a in acts),
        "loss": str(loss),
        "dtype": str(dtype),
    }


def _install(net: Network, params: dict, path) -> None:
    """Check every array against ``net``, then (only then) copy them in."""
    W, b = [None], [None]
    for l in range(1, net.L + 1):
        W.append(params[f"W{l}"])
        b.append(params[f"b{l}"])
    try:
        _checks.check_parameters(W, b, net.sizes, net.dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{os.fspath(path)}: {err}") from None
    for l in range(1, net.L + 1):
        net.W[l][...] = W[l]
        net.b[l][...] = b[l]
