"""The report's charts as PNG images (matplotlib, imported only when a report is made).

One chart: each dimension's index (0–100) as a horizontal bar with its 95%
confidence interval as an error bar and n beside it; dimensions with "n too
small" are listed without a bar. matplotlib is imported inside the function
(and with the non-interactive Agg backend) so that a server process that never
makes a report never loads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from . import stats


def index_chart(
    rows: Sequence[tuple[str, stats.Estimate]],
    *,
    too_small: str = "n quá nhỏ",
    axis: str = "Chỉ số (0–100), khoảng tin cậy 95%",
    total_last: bool = False,
    dpi: int = 150,
) -> bytes:
    """A horizontal bar chart of ``(label, estimate)`` rows, top to bottom; PNG bytes.

    ``total_last``: the last row is the overall index, drawn in another colour.
    """
    import matplotlib

    with matplotlib.rc_context({"font.family": "DejaVu Serif"}):  # shipped with matplotlib
        return _draw(rows, too_small, axis, total_last, dpi)


def _draw(
    rows: Sequence[tuple[str, stats.Estimate]],
    too_small: str,
    axis: str,
    total_last: bool,
    dpi: int,
) -> bytes:
    # Figure without pyplot: no global state, no GUI backend, safe in a server thread.
    from matplotlib.figure import Figure

    labels = [label for label, _e in rows][::-1]
    estimates = [e for _l, e in rows][::-1]
    height = max(2.0, 0.38 * len(rows) + 0.9)
    figure = Figure(figsize=(6.3, height), dpi=dpi)
    axes = figure.add_subplot()
    positions = range(len(rows))
    means = [e.mean if e.mean is not None else 0.0 for e in estimates]
    errors = [
        [(e.mean - e.low) if e.mean is not None else 0.0 for e in estimates],
        [(e.high - e.mean) if e.mean is not None else 0.0 for e in estimates],
    ]
    colours = ["#1f4e79" if e.mean is not None else "#ffffff" for e in estimates]
    if total_last and colours[0] != "#ffffff":
        colours[0] = "#c55a11"  # rows are drawn bottom up: the last row is first
    axes.barh(positions, means, color=colours, height=0.62, zorder=2)
    shown = [i for i, e in enumerate(estimates) if e.mean is not None]
    axes.errorbar(
        [means[i] for i in shown],
        shown,
        xerr=[[errors[0][i] for i in shown], [errors[1][i] for i in shown]],
        fmt="none",
        ecolor="#c00000",
        elinewidth=1.2,
        capsize=3,
        zorder=3,
    )
    for i, estimate in enumerate(estimates):
        if estimate.mean is None:
            text = f"{too_small} (n = {estimate.n})"
            axes.text(1, i, text, va="center", fontsize=8, style="italic", color="#555555")
        else:
            figure_text = f"{estimate.mean:.1f}".replace(".", ",")
            axes.text(
                min(estimate.high + 1.5, 101),
                i,
                f"{figure_text}  (n = {estimate.n})",
                va="center",
                fontsize=8,
            )
    axes.set_yticks(list(positions), labels, fontsize=9)
    axes.set_xlim(0, 120)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_xlabel(axis, fontsize=9)
    axes.tick_params(axis="x", labelsize=8)
    axes.grid(axis="x", color="#dddddd", zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
