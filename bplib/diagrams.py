"""Figures drawn from bplib objects: a network and a computational graph.

``draw_network(net, cache, grads)`` draws the layers of a ``Network`` with
z^l, a^l flowing forward and delta^l flowing backward; with a forward
``Cache`` and ``Gradients`` each unit shows a^l_j and delta^l_j of one
example. ``draw_graph(output)`` draws the graph of ``bplib.autodiff``
nodes behind ``output``, numbered in topological order. Both return the
matplotlib Figure; nothing is saved to a file.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Wedge

from .autodiff import Node, topological_order
from .network import Cache, Gradients, Network

__all__ = ["draw_network", "draw_graph", "math_label"]

FONT = 12  # points
SMALL = 10.5
DPI = 120  # scaled down to the page width, so the text stays legible
FORWARD = "#1f5fa8"  # blue: the forward pass
BACKWARD = "#b8322a"  # red: the backward pass
SHARED = "#d97f00"  # orange: a value used more than once
CMAP = "PuOr_r"  # colour-blind safe, orange > 0 > purple
LAYER_GAP = 3.0  # data units between layers
UNIT_GAP = 0.8  # between units of a layer
RADIUS = 0.3  # of a unit
GRAPH_UNIT = 1.35  # inches between columns of the graph, at most
GRAPH_MAX_WIDTH = 10.0  # inches
SKIP_BEND = 0.45  # curvature of an edge that skips boxes on its row
STATION = 0.65  # half the gap an arrow leaves around a row label
LOSS_HALF = 0.55  # half the height of the loss box
NETWORK_WIDTH = 8.5  # inches: readable on a laptop at the book's width
LEGEND_LINE = 0.23  # inches per legend line


def math_label(name: str) -> str:
    """'z[1]' -> '$z^{1}$', 'W[2] a[1]' -> '$W^{2} a^{1}$' (mathtext)."""
    if re.fullmatch(r"[A-Za-z]", name):
        return f"${name}$"
    if not re.search(r"\w\[\d+\]", name):
        return name
    return "$" + re.sub(r"(\w)\[(\d+)\]", r"\1^{\2}", name) + "$"


# --- the network --------------------------------------------------------


def draw_network(
    net: Network,
    cache: "Cache | None" = None,
    grads: "Gradients | None" = None,
    example: int = 0,
    max_units: int = 5,
    ax=None,
) -> Figure:
    """Draw ``net``'s layers, forward arrows above and backward below.

    Each layer shows at most ``max_units`` units (the first ones and the
    last, with a vertical ellipsis). With ``cache`` (from ``net.forward``)
    the left half of unit j of layer l is coloured by a^l_j, with
    ``grads`` (from ``net.backward`` or ``net.gradient``) the right half by
    delta^l_j, both for column ``example``; each quantity is scaled by its
    largest magnitude in the layer. Returns the Figure.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    _check_drawn_objects(net, cache, grads, example)
    if max_units < 2:
        raise ValueError(f"max_units must be at least 2, got {max_units}")
    L = net.L
    shown = [_shown_units(n, max_units) for n in net.sizes]
    half = (max(len(s) for s in shown) - 1) * UNIT_GAP / 2
    rows = {
        "head": half + 2.0,
        "fwd": half + 1.2,
        "n": -half - 0.7,
        "bwd": -half - 1.5,
    }
    x_loss = L * LAYER_GAP + 2.2
    width = x_loss + 2.6
    scale = NETWORK_WIDTH / width  # inches per data unit
    legend = 3 * LEGEND_LINE / scale
    y_lo, y_hi = rows["bwd"] - 0.8 - legend, rows["head"] + 0.8
    fig, ax = _figure(ax, (NETWORK_WIDTH, (y_hi - y_lo) * scale))
    _draw_edges(ax, shown)
    for l in range(L + 1):
        a_col = _column(cache.a[l], example) if cache is not None else None
        d_col = _delta_column(grads, l, example)
        _draw_layer(ax, l, shown[l], a_col, d_col)
        _layer_labels(ax, net, l, rows)
    with_dx = grads is not None and grads.dx is not None
    _forward_row(ax, L, rows["fwd"], x_loss)
    _backward_row(ax, L, rows["bwd"], x_loss, with_dx)
    _draw_loss(ax, net, x_loss)
    coloured = cache is not None or grads is not None
    _network_legend(ax, rows["bwd"] - 0.8, coloured)
    ax.set_xlim(-1.2, x_loss + 1.4)
    ax.set_ylim(y_lo, y_hi)
    _finish(ax)
    return fig


def _shown_units(n: int, max_units: int) -> list:
    """Unit indices drawn for a layer of n units; None marks the ellipsis."""
    if n <= max_units:
        return list(range(n))
    return list(range(max_units - 2)) + [None, n - 1]


def _unit_y(shown: list, i: int) -> float:
    return ((len(shown) - 1) / 2 - i) * UNIT_GAP


def _draw_edges(ax, shown: list) -> None:
    for l in range(1, len(shown)):
        for i, j in enumerate(shown[l]):
            for k, q in enumerate(shown[l - 1]):
                if j is None or q is None:
                    continue
                ax.plot(
                    [(l - 1) * LAYER_GAP, l * LAYER_GAP],
                    [_unit_y(shown[l - 1], k), _unit_y(shown[l], i)],
                    color="0.75",
                    lw=0.6,
                    zorder=1,
                )


def _draw_layer(ax, l: int, shown: list, a_col, d_col) -> None:
    cmap = plt.get_cmap(CMAP)
    x = l * LAYER_GAP
    for i, j in enumerate(shown):
        y = _unit_y(shown, i)
        if j is None:
            ax.text(x, y, "⋮", ha="center", va="center", fontsize=FONT + 4)
            continue
        left = "white" if a_col is None else cmap(0.5 + 0.5 * a_col[j])
        right = "white" if d_col is None else cmap(0.5 + 0.5 * d_col[j])
        for colour, (t0, t1) in ((left, (90, 270)), (right, (270, 90))):
            ax.add_patch(
                Wedge(
                    (x, y),
                    RADIUS,
                    t0,
                    t1,
                    facecolor=colour,
                    edgecolor="0.2",
                    lw=1.0,
                    zorder=3,
                    gid="unit",
                )
            )


def _layer_labels(ax, net, l, rows) -> None:
    x = l * LAYER_GAP
    head = "input" if l == 0 else f"layer {l}\n({net.f[l].name})"
    ax.text(x, rows["head"], head, ha="center", va="bottom", fontsize=FONT)
    ax.text(
        x,
        rows["n"],
        f"$n_{{{l}}} = {net.sizes[l]}$",
        ha="center",
        va="center",
        fontsize=SMALL,
        color="0.3",
    )


def _forward_row(ax, L, y, x_loss) -> None:
    """Stations x = a^0, (z^l, a^l) joined by arrows labelled W^l, b^l."""
    for l in range(L + 1):
        label = "$x = a^{0}$" if l == 0 else f"$z^{{{l}}}, a^{{{l}}}$"
        ax.text(
            l * LAYER_GAP,
            y,
            label,
            ha="center",
            va="center",
            fontsize=FONT,
            color=FORWARD,
        )
    for l in range(1, L + 1):
        x0, x1 = (l - 1) * LAYER_GAP + STATION, l * LAYER_GAP - STATION
        _arrow(ax, (x0, y), (x1, y), FORWARD)
        ax.text(
            (x0 + x1) / 2,
            y + 0.15,
            f"$W^{{{l}}}, b^{{{l}}}$",
            ha="center",
            va="bottom",
            fontsize=FONT,
            color=FORWARD,
        )
    x0 = L * LAYER_GAP + STATION
    ax.plot([x0, x_loss], [y, y], color=FORWARD, lw=1.6)
    _arrow(ax, (x_loss, y), (x_loss, LOSS_HALF), FORWARD)


def _backward_row(ax, L, y, x_loss, with_dx) -> None:
    """Stations delta^l, joined by dashed arrows labelled (W^l)^T delta^l."""
    for l in range(1, L + 1):
        ax.text(
            l * LAYER_GAP,
            y,
            f"$\\delta^{{{l}}}$",
            ha="center",
            va="center",
            fontsize=FONT,
            color=BACKWARD,
        )
    if with_dx:
        ax.text(
            0,
            y,
            "$\\partial C/\\partial x$",
            ha="center",
            va="center",
            fontsize=FONT,
            color=BACKWARD,
        )
    for l in range(1 if with_dx else 2, L + 1):
        x0, x1 = (l - 1) * LAYER_GAP + STATION, l * LAYER_GAP - STATION
        _arrow(ax, (x1, y), (x0, y), BACKWARD, dashed=True)
        ax.text(
            (x0 + x1) / 2,
            y - 0.15,
            f"$(W^{{{l}}})^{{T}}\\delta^{{{l}}}$",
            ha="center",
            va="top",
            fontsize=FONT,
            color=BACKWARD,
        )
    ax.plot([x_loss, x_loss], [-LOSS_HALF, y], color=BACKWARD, lw=1.6, ls="--")
    _arrow(
        ax, (x_loss, y), (L * LAYER_GAP + STATION, y), BACKWARD, dashed=True
    )


def _draw_loss(ax, net, x) -> None:
    ax.text(
        x,
        0,
        f"$C$\n{net.loss.name.replace('_', ' ')}",
        ha="center",
        va="center",
        fontsize=FONT,
        bbox=dict(boxstyle="round,pad=0.4", fc="0.95", ec="0.2"),
    )


def _network_legend(ax, y, coloured) -> None:
    lines = [
        "forward (blue): $z^l = W^l a^{l-1} + b^l$,  $a^l = f^l(z^l)$",
        "backward (red, dashed): $\\delta^{l} = (f^{l})'(z^{l}) \\circ "
        "(W^{l+1})^{T}\\delta^{l+1}$,  "
        "$\\partial C/\\partial W^l = \\delta^l (a^{l-1})^{T}$",
    ]
    if coloured:
        lines.append(
            "each unit: left half $a^l_j$, right half "
            "$\\delta^l_j$; orange > 0 > purple, scaled per layer"
        )
    ax.text(
        -1.0,
        y,
        "\n".join(lines),
        ha="left",
        va="top",
        fontsize=SMALL,
        linespacing=1.6,
    )


def _column(values: np.ndarray, example: int) -> np.ndarray:
    col = np.asarray(values, dtype=np.float64)[:, example]
    scale = np.max(np.abs(col))
    return col / scale if scale > 0 else col


def _delta_column(grads, l: int, example: int):
    if grads is None:
        return None
    values = grads.dx if l == 0 else grads.delta[l]
    return None if values is None else _column(values, example)


def _check_drawn_objects(net, cache, grads, example) -> None:
    if cache is not None and not isinstance(cache, Cache):
        raise TypeError(f"cache must be a Cache, got {type(cache).__name__}")
    if grads is not None and not isinstance(grads, Gradients):
        raise TypeError(f"grads must be Gradients, got {type(grads).__name__}")
    for what, arrays in (
        ("cache.a", cache and cache.a),
        ("grads.delta", grads and grads.delta),
    ):
        if not arrays:
            continue
        if len(arrays) != net.L + 1:
            raise ValueError(
                f"{what} has {len(arrays)} layers, the network {net.L + 1}"
            )
        m = arrays[-1].shape[1]
        if not 0 <= example < m:
            raise ValueError(f"example must lie in [0, {m}), got {example}")


# --- the computational graph -------------------------------------------

OP_LABELS = {
    "leaf": "",
    "matmul": "product",
    "add_bias": "+ bias",
    "add": "+",
    "mul": "×",
    "softmax_ce": "softmax +\ncross-entropy",
    "squared_error": "squared\nerror",
}


def draw_graph(output: Node, show_order: bool = True, ax=None) -> Figure:
    """Draw the graph of nodes behind ``output``, inputs on the left.

    Leaves (inputs, parameters) are grey, operations white; a value used
    by more than one operation has an orange border and says how often.
    With ``show_order`` each node carries its position in the topological
    order; ``backward`` visits the nodes from the highest number down.
    Returns the Figure.
    """
    order = topological_order(output)
    position = _graph_layout(order, output)
    columns = max(x for x, _ in position.values()) + 1
    rows = max(y for _, y in position.values()) + 1
    skips = any(
        position[id(p)][1] == position[id(n)][1]
        and position[id(n)][0] - position[id(p)][0] > 1
        for n in order
        for p in n.parents
    )
    x_lim = (-0.7, columns - 0.3)
    y_lim = (-1.05 if skips else -0.6, rows - 0.25)
    scale = min(GRAPH_UNIT, GRAPH_MAX_WIDTH / (x_lim[1] - x_lim[0]))
    fig, ax = _figure(
        ax, ((x_lim[1] - x_lim[0]) * scale, (y_lim[1] - y_lim[0]) * scale)
    )
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    _finish(ax)
    uses = _count_uses(order)
    boxes = {}
    for node in order:
        x, y = position[id(node)]
        boxes[id(node)] = _graph_node(ax, node, x, y, uses[id(node)])
    fig.canvas.draw()  # sizes the boxes, so arrows stop at their edges
    to_data = ax.transData.inverted()
    extent = {
        key: to_data.transform(box.get_bbox_patch().get_window_extent())
        for key, box in boxes.items()
    }  # [[x0, y0], [x1, y1]] in data units
    for step, node in enumerate(order, start=1):
        for parent in node.parents:
            _graph_edge(ax, position, extent, parent, node)
        if show_order:
            x, y = position[id(node)]
            ax.text(
                x,
                extent[id(node)][1, 1] + 0.04,
                str(step),
                ha="center",
                va="bottom",
                fontsize=SMALL,
                color="0.3",
                gid="graph-order",
                bbox=dict(
                    boxstyle="circle,pad=0.2", fc="white", ec="0.5", lw=0.8
                ),
            )
    return fig


def _graph_layout(order: list, output: Node) -> dict:
    """(column, row) per node id: a longest path on row 0, others above.

    The column is the length of the longest path from a leaf, except that
    a leaf sits just left of its first consumer.
    """
    depth = {}
    for node in order:
        depth[id(node)] = 1 + max(
            (depth[id(p)] for p in node.parents), default=-1
        )
    column = dict(depth)
    consumers = {id(node): [] for node in order}
    for node in order:
        for parent in node.parents:
            consumers[id(parent)].append(node)
    for node in order:
        if not node.parents and consumers[id(node)]:
            column[id(node)] = (
                min(depth[id(c)] for c in consumers[id(node)]) - 1
            )
    spine, node = set(), output
    while True:  # the deepest parent, the last one on a tie
        spine.add(id(node))
        if not node.parents:
            break
        node = max(reversed(node.parents), key=lambda p: depth[id(p)])
    taken, position = set(), {}
    for node in order:
        x, y = column[id(node)], 0
        if id(node) not in spine:
            y = 1
            while (x, y) in taken:
                y += 1
        taken.add((x, y))
        position[id(node)] = (x, y)
    return position


def _count_uses(order: list) -> dict:
    uses = {id(node): 0 for node in order}
    for node in order:
        for parent in node.parents:
            uses[id(parent)] += 1
    return uses


def _graph_node(ax, node: Node, x: float, y: float, uses: int):
    op = OP_LABELS.get(node.op, node.op)
    name = math_label(node.name)
    text = "\n".join(t for t in (name, op) if t) or "?"
    shape = "×".join(str(n) for n in node.shape) or "scalar"
    text += f"\n({shape})"
    if uses > 1:
        text += f"\nused {uses}×"
    leaf_node = node.op == "leaf"
    box = dict(
        boxstyle="round,pad=0.35",
        fc="0.88" if leaf_node else "white",
        ec=SHARED if uses > 1 else "0.2",
        lw=2.2 if uses > 1 else 1.0,
    )
    label = ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=SMALL,
        bbox=box,
        zorder=3,
        gid="graph-node",
    )
    return label


def _graph_edge(ax, position, extent, parent, child) -> None:
    (x0, y0), (x1, y1) = position[id(parent)], position[id(child)]
    start = _box_exit(extent[id(parent)], (x1, y1))
    end = _box_exit(extent[id(child)], (x0, y0))
    rad = -0.15 if x1 - x0 > 1 else 0.0  # a long diagonal bows upwards
    if y0 == y1 and x1 - x0 > 1:  # skips a box: loop below the row
        start = (x0, extent[id(parent)][0, 1])
        end = (x1, extent[id(child)][0, 1])
        rad = SKIP_BEND
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        zorder=2,
        arrowprops=dict(
            arrowstyle="-|>",
            color="0.25",
            lw=1.2,
            mutation_scale=14,
            shrinkA=2,
            shrinkB=2,
            connectionstyle=f"arc3,rad={rad}",
        ),
    )


def _box_exit(box: np.ndarray, towards) -> tuple:
    """Where the segment from the box's centre towards a point leaves it."""
    (bx0, by0), (bx1, by1) = box
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    dx, dy = towards[0] - cx, towards[1] - cy
    t = min(
        (bx1 - bx0) / 2 / abs(dx) if dx else np.inf,
        (by1 - by0) / 2 / abs(dy) if dy else np.inf,
    )
    return cx + t * dx, cy + t * dy


# --- shared helpers -----------------------------------------------------


def _figure(ax, size):
    if ax is None:
        fig, ax = plt.subplots(figsize=size, dpi=DPI)
    else:
        fig = ax.figure
    return fig, ax


def _arrow(ax, start, end, colour, dashed=False) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops=dict(
            arrowstyle="-|>",
            color=colour,
            lw=1.6,
            mutation_scale=15,
            linestyle="--" if dashed else "-",
            shrinkA=0,
            shrinkB=0,
        ),
    )


def _finish(ax) -> None:
    ax.set_aspect("equal")
    ax.axis("off")
