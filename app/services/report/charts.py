"""The report's charts, drawn with matplotlib as PNG images."""

from __future__ import annotations

from io import BytesIO

import matplotlib

matplotlib.use("Agg")  # server-side rendering only: never a GUI backend

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

from app.domain.status import STATUS_ORDER, Status  # noqa: E402
from app.services.report.data import ReportData  # noqa: E402
from app.services.report.outline import RAG_HEX, ChartKind, chart_bars, chart_by_work_stream, chart_title  # noqa: E402

HATCHES: dict[Status, str] = {Status.COMPLETED: "///", Status.IN_PROGRESS: "...", Status.STATIC: "xxx"}


def chart_png(data: ReportData, kind: ChartKind) -> bytes:
    """A stacked bar chart by work stream: RAG colours for the eye, hatching and a legend for black and white."""
    if kind not in ("actions", "measures"):
        raise ValueError(f"Unknown chart: {kind}")
    bars_of = chart_bars(data, kind)
    labels = [label for label, _ in bars_of]
    counts = [c for _, c in bars_of]
    places = list(range(len(labels)))  # bars at 0, 1, 2...: labels such as "1" or "2015" are names, not numbers
    figure = Figure(figsize=(8, 4.5), dpi=150)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    bottoms = [0] * len(counts)
    for status in STATUS_ORDER:
        values = [c.count(status) for c in counts]
        fill, text = RAG_HEX[status]
        bars = ax.bar(
            places,
            values,
            bottom=bottoms,
            color=f"#{fill}",
            edgecolor="#0B0C0C",
            linewidth=0.8,
            hatch=HATCHES[status],
            label=status.label,
        )
        ax.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            color=f"#{text}",
            fontsize=9,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": f"#{fill}", "edgecolor": "none"},
        )
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_xticks(places, labels)
    ax.set_title(chart_title(data, kind), fontsize=12)
    if chart_by_work_stream(data):
        ax.set_xlabel("Work stream")
    ax.set_ylabel("Number of actions" if kind == "actions" else "Number of performance measures")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*bottoms, 1]) * 1.1)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [
        Patch(facecolor=f"#{RAG_HEX[s][0]}", edgecolor="#0B0C0C", hatch=HATCHES[s], label=s.label) for s in STATUS_ORDER
    ]
    ax.legend(handles=handles, title="Status", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    return _png(figure)


def trend_png(data: ReportData) -> bytes:
    """Actions by status at each month end: a line per status, marked so it reads in black and white."""
    labels = [label for label, _ in data.trend]
    places = list(range(len(labels)))  # months at 0, 1, 2...: "Jul 2015" is a name here, not a date to parse
    figure = Figure(figsize=(8, 4), dpi=150)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    markers = {Status.COMPLETED: "o", Status.IN_PROGRESS: "^", Status.STATIC: "s"}
    styles = {Status.COMPLETED: "-", Status.IN_PROGRESS: "--", Status.STATIC: ":"}
    for status in STATUS_ORDER:
        ax.plot(
            places,
            [c.count(status) for _, c in data.trend],
            marker=markers[status],
            linestyle=styles[status],
            color=f"#{RAG_HEX[status][0]}",
            label=status.label,
            linewidth=2,
        )
    ax.set_xticks(places, labels)
    ax.set_title("Actions by status over time", fontsize=12)
    ax.set_ylabel("Number of actions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="Status", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    return _png(figure)


def _png(figure: Figure) -> bytes:
    """The figure as a small PNG: flattened on white and reduced to a palette of 64 colours (the charts' flat
    fills, lines and anti-aliased text need no more), a third of the bytes of the full-colour image, so the
    stored pack and its downloads stay light."""
    drawn_png = BytesIO()
    figure.savefig(drawn_png, format="png")
    drawn = Image.open(drawn_png).convert("RGBA")
    flat = Image.new("RGB", drawn.size, "white")
    flat.paste(drawn, mask=drawn.getchannel("A"))
    out = BytesIO()
    flat.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


def draw_charts(data: ReportData) -> dict[str, bytes]:
    charts = {"actions": chart_png(data, "actions"), "measures": chart_png(data, "measures")}
    if data.trend:
        charts["trend"] = trend_png(data)
    return charts
