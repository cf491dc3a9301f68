"""bplib: backpropagation in matrix form, in numpy, as the book derives it.

Convention, stated once: columns are examples. A batch of inputs X has
shape (n_0, m); the weights W^l of layer l have shape (n_l, n_{l-1}), the
biases b^l shape (n_l, 1); z^l, a^l and delta^l have shape (n_l, m). So
the weight gradient is delta^l (a^{l-1})^T exactly as written, and layer l
in the code is layer l in the book (index 0 is the input).

Modules, one per idea of the book: ``activations`` (each f^l beside its
derivative), ``losses`` (each C beside its output error delta^L),
``initialisers``, ``network`` (forward pass and the delta recursion),
``gradcheck`` (finite differences), ``data`` (the digits and the
diabetes data), ``train`` (mini-batch SGD), ``diagnostics`` (dead units,
the size of delta^l by layer) and ``io`` (saving and loading parameters
as .npz).
"""

from . import activations, diagnostics, losses
from .activations import Activation, identity, relu, sigmoid, softmax, tanh
from .data import Split, load_diabetes, load_digits
from .gradcheck import check_gradients, numerical_gradient
from .io import load_network, load_parameters, save_network
from .losses import Loss, cross_entropy, squared_error
from .network import Cache, Gradients, Network
from .train import DivergenceError, evaluate, train

__all__ = [
    "activations",
    "losses",
    "diagnostics",
    "Activation",
    "identity",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "Loss",
    "cross_entropy",
    "squared_error",
    "Network",
    "Cache",
    "Gradients",
    "check_gradients",
    "numerical_gradient",
    "Split",
    "load_digits",
    "load_diabetes",
    "train",
    "evaluate",
    "DivergenceError",
    "save_network",
    "load_network",
    "load_parameters",
]
