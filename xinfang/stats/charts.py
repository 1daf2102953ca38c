"""Charts for the reports, as PNG bytes, drawn with matplotlib (Agg: no screen) and a Chinese font
found on the machine (Debian: fonts-noto-cjk). Without one, labels would be boxes, so
`cjk_font()` says whether one was found and the report notes it."""

import io
from functools import cache
from typing import Any

# In order of preference; the first installed one is used.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
)
BAR_COLOUR = "#1f4e79"
LINE_COLOURS = ("#1f4e79", "#c0504d")


@cache
def _pyplot() -> Any:
    """matplotlib, imported on the first chart: the statistics pages never pay for it."""
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: no display on a server
    from matplotlib import pyplot

    return pyplot


@cache
def cjk_font() -> str | None:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(width: float = 6.3, height: float = 2.8):  # type: ignore[no-untyped-def]
    plt = _pyplot()
    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    figure, axes = plt.subplots(figsize=(width, height), dpi=150)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure) -> bytes:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    figure.tight_layout()
    figure.savefig(stream, format="png")
    _pyplot().close(figure)
    return stream.getvalue()


def bar_chart(title: str, labels: list[str], values: list[int]) -> bytes:
    figure, axes = _figure()
    bars = axes.barh(labels[::-1], values[::-1], color=BAR_COLOUR)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=8)
    return _png(figure)


def trend_chart(title: str, labels: list[str], series: dict[str, list[int]]) -> bytes:
    figure, axes = _figure()
    for colour, (name, values) in zip(LINE_COLOURS, series.items(), strict=False):
        axes.plot(labels, values, marker="o", markersize=3, color=colour, label=name)
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=8, frameon=False)
    _pyplot().setp(axes.get_xticklabels(), rotation=45, ha="right")
    return _png(figure)
