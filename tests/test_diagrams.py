"""The figures are drawn from bplib objects: one patch per unit or node."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from bplib import Network, diagrams
from bplib import autodiff as ad

#: Each unit is drawn as two half discs, a^l_j and delta^l_j.
HALVES_PER_UNIT = 2


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _gids(fig, gid):
    ax = fig.axes[0]
    return [a for a in ax.patches + ax.texts if a.get_gid() == gid]


@pytest.mark.parametrize(
    "sizes,max_units,drawn",
    [
        ((4, 6, 3), 6, 4 + 6 + 3),
        ((64, 64, 10), 5, 4 + 4 + 4),  # three units, an ellipsis, the last
    ],
)
def test_draw_network_draws_one_unit_per_shown_neuron(sizes, max_units, drawn):
    net = Network(sizes, seed=0)
    X = np.random.default_rng(0).normal(size=(sizes[0], 3))
    y = np.array([0, 1, 2])
    _, grads = net.gradient(X, y, input_grad=True)
    fig = diagrams.draw_network(
        net, net.forward(X), grads, max_units=max_units
    )
    assert isinstance(fig, Figure)
    assert len(_gids(fig, "unit")) == HALVES_PER_UNIT * drawn
    fig.canvas.draw()


def test_draw_network_without_values_and_on_given_axes():
    net = Network((2, 3, 3, 1), "tanh", "identity", "squared_error")
    fig, ax = plt.subplots()
    assert diagrams.draw_network(net, ax=ax) is fig
    assert len(_gids(fig, "unit")) == HALVES_PER_UNIT * 9


def test_draw_network_rejects_a_cache_of_another_network():
    net, other = Network((2, 3, 2)), Network((2, 3, 3, 2))
    cache = other.forward(np.ones((2, 1)))
    with pytest.raises(ValueError, match="layers"):
        diagrams.draw_network(net, cache)
    with pytest.raises(ValueError, match="example"):
        diagrams.draw_network(net, net.forward(np.ones((2, 1))), example=1)


def test_draw_graph_draws_every_node_and_numbers_it():
    net = Network((3, 4, 2), seed=0)
    graph = ad.network_graph(net, np.ones((3, 2)), np.array([0, 1]))
    order = ad.topological_order(graph.C)
    fig = diagrams.draw_graph(graph.C)
    assert isinstance(fig, Figure)
    # X; W, b, W a, z and a per layer, but no a^L (softmax is in C); C.
    assert len(order) == 1 + 5 * net.L - 1 + 1
    assert len(_gids(fig, "graph-node")) == len(order)
    numbers = [t.get_text() for t in _gids(fig, "graph-order")]
    assert sorted(numbers, key=int) == [
        str(i) for i in range(1, len(order) + 1)
    ]
    fig.canvas.draw()


def test_math_label_turns_code_names_into_notation():
    assert diagrams.math_label("z[1]") == "$z^{1}$"
    assert diagrams.math_label("W[2] a[1]") == "$W^{2} a^{1}$"
    assert diagrams.math_label("x") == "$x$"
    assert diagrams.math_label("hidden") == "hidden"
