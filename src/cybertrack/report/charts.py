"""Charts written next to a report, each as PNG and SVG (``--charts DIR``).

- targets by year: incidents per year, inside and outside the home region, recent period shaded;
- target map: a world map (Natural Earth country shapes shipped with the package, see
  ``worldmap``) coloured by the events that targeted each country, the home country marked,
  first-time targets of the recent period outlined;
- timeline: events on a date axis, one lane per kind of event, labels packed in rows above
  their lane so that none overlaps another or leaves the plot (the figure grows instead).

matplotlib is driven through its object API with the Agg canvas, so nothing depends on a
display or on pyplot's global state, and charts can be drawn from threads.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Literal

from matplotlib import colormaps
from matplotlib import dates as mdates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text as MplText
from matplotlib.transforms import Bbox

from cybertrack.analysis.reach import Reach
from cybertrack.analysis.timeline import Timeline
from cybertrack.reference import Reference, load_reference
from cybertrack.report.worldmap import CountryShape, country_shapes
from cybertrack.textsafe import UNSAFE_RE, strip_unsafe

_INSIDE, _OUTSIDE, _HOME = "#8da0cb", "#fc8d62", "#1a1a1a"
_LAND, _BORDER, _HOME_FILL, _NEW_EDGE = "#e9e9e9", "#ffffff", "#4d4d4d", "#08306b"
_LANES = {"incident": ("#d7301f", "o"), "self-claim": ("#984ea3", "D"),
          "attribution": ("#4575b4", "s"),
          "denial": ("#7f7f7f", "x"), "response": ("#1a9850", "^")}


def _num(day: dt.date) -> float:
    """A date as matplotlib's axis number (days since its epoch)."""
    return float(mdates.date2num(day))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


def _save(fig: Figure, folder: Path, stem: str) -> list[Path]:
    """Write ``fig`` as PNG and SVG. Every label is stripped of control characters first
    (they come from article titles and names; XML 1.0 cannot hold C0 controls, so one ESC
    would leave the SVG not well-formed), whichever chart set it; and none is read as
    mathtext (a title holding "$x^$" would otherwise stop the drawing)."""
    for artist in fig.findobj(MplText):
        artist.set_parse_math(False)
        label = artist.get_text()
        if UNSAFE_RE.search(label):
            artist.set_text(strip_unsafe(label))
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in ("png", "svg"):
        path = folder / f"{stem}.{ext}"
        fig.savefig(path, dpi=130, bbox_inches="tight")
        out.append(path)
    return out


def targets_by_year(r: Reach, folder: Path) -> list[Path]:
    """Incidents per year: those reaching outside the home region stacked on those that stay
    inside it; first-time targets named above their year; the recent period shaded."""
    if not r.years:
        return []
    span = list(range(r.years[0].year, r.years[-1].year + 1))
    reaching = {y.year: y.outside for y in r.years}
    staying = {y.year: y.incidents - y.outside for y in r.years}
    reaching = {y: reaching.get(y, 0) for y in span}
    staying = {y: staying.get(y, 0) for y in span}
    fig = Figure(figsize=(9, 4.4))
    ax = fig.add_subplot()
    if r.recent is not None:
        ax.axvspan(r.recent.first_year - 0.5, r.recent.last_year + 0.5, color="#eeeeee",
                   zorder=0, label="recent period")
    ax.bar(span, [staying[y] for y in span], color=_INSIDE,
           label=f"targets only in {r.home_region} (or none named)", zorder=2)
    ax.bar(span, [reaching[y] for y in span], bottom=[staying[y] for y in span],
           color=_OUTSIDE, label=f"a target outside {r.home_region}", zorder=2)
    new_by_year: dict[int, list[str]] = {}
    for t in r.targets:
        if t.first_time and t.outside_home:
            new_by_year.setdefault(t.year, []).append(t.name)
    top = max((staying[y] + reaching[y] for y in span), default=1)
    for year, names in new_by_year.items():
        text = "\n".join(names[:2]) + (f"\n+{len(names) - 2} more" if len(names) > 2 else "")
        ax.annotate(text, (year, staying[year] + reaching[year]), ha="center", va="bottom",
                    fontsize=6.5, xytext=(0, 2), textcoords="offset points", color="#7f2704")
    ax.set_ylim(0, top * 1.35 + 1)
    ax.set_title(f"Events attributed to {r.subject.name}, by year "
                 "(first-time targets outside the home region named)", fontsize=10)
    ax.set_xlabel("year")
    ax.set_ylabel("events (reports of one incident counted once)")
    ax.set_xticks(span[:: max(1, len(span) // 12)])
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, folder, f"{slug(r.subject.name)}-targets-by-year")


def _country_path(shape: CountryShape) -> MplPath:
    """One compound path for all of a country's polygons (so the SVG holds one ``<path>``
    per country), holes included: Natural Earth winds holes against their exterior, and
    matplotlib fills by the nonzero rule."""
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for polygon in shape.polygons:
        for ring in (r for raw in polygon for r in _unwrapped(raw)):
            if len(ring) < 3:
                continue
            vertices += [*ring, ring[0]]
            codes += [int(MplPath.MOVETO), *[int(MplPath.LINETO)] * (len(ring) - 1),
                      int(MplPath.CLOSEPOLY)]
    return MplPath(vertices, codes)


def _unwrapped(ring: tuple[tuple[float, float], ...]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Russia's Chukotka, Fiji) made continuous, plus
    its copy shifted by 360 degrees where it runs past +-180, so that the map's frame clips it
    instead of a band being drawn across the whole map."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for k, (lon, lat) in enumerate(ring):
        if k:
            step = lon + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((lon + shift, lat))
    lons = [p[0] for p in out]
    rings = [out]
    if max(lons) > 180:
        rings.append([(x - 360, y) for x, y in out])
    if min(lons) < -180:
        rings.append([(x + 360, y) for x, y in out])
    return rings


def _count_bins(top: int) -> list[int]:
    """Class edges for the choropleth (1, 2, 3-5, 6-10, 11-25, ...) up to ``top``: classes
    read better than a continuous scale when a few countries take most events."""
    edges = [1, 2, 3, 6, 11, 26, 51, 101, 251, 501, 1001]
    out = [e for e in edges if e <= top]
    return [*out, next((e for e in edges if e > top), top + 1)]


def target_map_figure(r: Reach, ref: Reference | None = None) -> Figure | None:
    """The target map as a figure (None when nothing was targeted): each country shape
    filled by how many events targeted it over every year counted, the home country dark
    with a star on its capital, first-time targets of the recent period outlined, a dot on
    the capital of every country targeted in the recent period; countries too small for the
    1:110m shapes (Singapore, Bahrain, ...) are drawn as a marker on their capital."""
    if not r.targets:
        return None
    ref = ref or load_reference()
    capitals = {c.code: c for c in ref.countries() if c.lat is not None and c.lon is not None}
    shapes = country_shapes()
    totals: dict[str, int] = {}
    recent_from = r.recent.first_year if r.recent else 10_000
    recent: set[str] = set()
    for t in r.targets:
        totals[t.country] = totals.get(t.country, 0) + t.incidents
        if t.year >= recent_from:
            recent.add(t.country)
    new_codes = {t.country for t in r.first_time}
    home = r.subject.home
    bins = _count_bins(max(totals.values()))
    ramp = colormaps["YlOrRd"]
    cmap = ListedColormap([ramp(0.2 + 0.8 * k / max(1, len(bins) - 2))
                           for k in range(len(bins) - 1)])
    norm = BoundaryNorm(bins, cmap.N)
    fig = Figure(figsize=(11, 6.2))
    ax = fig.add_subplot()
    ax.set_facecolor("#f4f8fb")  # sea
    for code, shape in sorted(shapes.items()):
        if code == "AQ":
            continue  # Antarctica: below the map's southern edge
        n = totals.get(code)
        face = _HOME_FILL if code == home else cmap(norm(n)) if n else _LAND
        new = code in new_codes
        ax.add_patch(PathPatch(_country_path(shape), facecolor=face,
                               edgecolor=_NEW_EDGE if new else _BORDER,
                               lw=1.3 if new else 0.35, zorder=3 if new else 2,
                               gid=f"country-{code}"))
    for code, n in sorted(totals.items()):
        c = capitals.get(code)
        if c is None or c.lon is None or c.lat is None:
            continue
        if code not in shapes:
            ax.scatter([c.lon], [c.lat], s=28, color=cmap(norm(n)), edgecolors=_NEW_EDGE
                       if code in new_codes else "#555555", linewidths=0.8, zorder=4)
        if code in recent and code != home:
            ax.scatter([c.lon], [c.lat], s=6, color="#1a1a1a", zorder=5, linewidths=0)
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}
    wanted = []
    busiest = set(sorted(totals, key=lambda k: (-totals[k], k))[:8])
    for code in sorted(totals, key=lambda k: (k not in new_codes, -totals[k], k)):
        c = capitals.get(code)
        if (code in new_codes or code in busiest) and code != home and c is not None \
                and c.lon is not None and c.lat is not None:
            wanted.append((f"{c.name} ({totals[code]})", c.lon, c.lat, code in new_codes))
    where = capitals.get(home or "")
    home_at = None
    if where is not None and where.lon is not None and where.lat is not None:
        home_at = (where.lon, where.lat)
        ax.scatter([where.lon], [where.lat], marker="*", s=220, color="white", zorder=7,
                   edgecolors="#1a1a1a", linewidths=0.8)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-58, 84)
    ax.set_aspect("equal")
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal",
                       fraction=0.035, pad=0.02, aspect=50)
    _place_map_labels(fig, ax, wanted, home_at, where.name if where else "", box)
    handles: list[Artist] = []
    if where is not None and home_at is not None:
        handles.append(Patch(facecolor=_HOME_FILL, label=f"home: {where.name}"))
    handles += [
        Patch(facecolor=_LAND, label="not targeted"),
        Patch(facecolor="white", edgecolor=_NEW_EDGE, lw=1.3,
              label="first targeted in the recent period"),
    ]
    if r.recent is not None:
        handles.append(ax.scatter([], [], s=6, color="#1a1a1a",
                                  label=f"targeted in {r.recent.label}"))
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="lower left")
    bar.set_label("events that targeted the country, all years (reports of one incident "
                  "counted once); labels: country (events)", fontsize=8)
    bar.set_ticks([(a + b - 1) / 2 for a, b in zip(bins, bins[1:], strict=False)],
                  labels=[str(a) if b - a == 1 else f"{a}-{b - 1}"
                          for a, b in zip(bins, bins[1:], strict=False)])
    bar.ax.tick_params(labelsize=7, length=0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Countries targeted by operations attributed to {r.subject.name}",
                 fontsize=10)
    return fig


def target_map(r: Reach, folder: Path, ref: Reference | None = None) -> list[Path]:
    """The target map (``target_map_figure``) as PNG and SVG."""
    fig = target_map_figure(r, ref)
    if fig is None:
        return []
    return _save(fig, folder, f"{slug(r.subject.name)}-target-map")


def _place_map_labels(fig: Figure, ax: Axes, wanted: list[tuple[str, float, float, bool]],
                      home_at: tuple[float, float] | None, home_name: str,
                      box: dict[str, object]) -> None:
    """Label the home capital, then each wanted country (first-time targets first) at the
    first of eight offsets where its box, measured by the renderer, overlaps no label placed
    so far and no marker of a capital labelled; a label with no free offset is left out (its
    country's colour still says how often it was targeted)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax.apply_aspect()
    taken: list[Bbox] = []
    for _name, lon, lat, _new in wanted:  # keep the labelled capitals' markers clear
        x, y = ax.transData.transform((lon, lat))
        taken.append(Bbox.from_extents(x - 3, y - 3, x + 3, y + 3))
    if home_at is not None:
        x, y = ax.transData.transform(home_at)
        taken.append(Bbox.from_extents(x - 9, y - 9, x + 9, y + 9))
    frame = ax.get_window_extent(renderer)
    labels = [(f"{home_name} (home)", *home_at, True)] if home_at is not None else []
    for k, (text, lon, lat, bold) in enumerate([*labels, *wanted]):
        for dx, dy, ha in ((7, 5, "left"), (-7, 5, "right"), (7, -13, "left"),
                           (-7, -13, "right"), (7, 18, "left"), (-7, 18, "right"),
                           (7, -26, "left"), (-7, -26, "right")):
            ann = ax.annotate(text, (lon, lat), fontsize=8 if k == 0 and labels else 7.5,
                              xytext=(dx, dy), ha=ha, textcoords="offset points", zorder=8,
                              bbox=box, weight="bold" if bold else "normal",
                              arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5})
            # the text's box, not the leader line (which reaches the capital's marker)
            ann.update_positions(renderer)
            extent = MplText.get_window_extent(ann, renderer).expanded(1.06, 1.2)
            inside = frame.contains(extent.x0, extent.y0) and frame.contains(extent.x1,
                                                                              extent.y1)
            if inside and not any(extent.overlaps(b) for b in taken):
                taken.append(extent)
                break
            ann.remove()


#: Timeline label layout, in points: font size, gap between labels, the marker band of a
#: lane, the most label rows a lane gets (labels that fit in none are counted, not drawn).
_LABEL_PT, _GAP_PT, _MARK_PT, _MAX_ROWS = 7.0, 4.0, 16.0, 6
_LABEL_CHARS = 30
LABEL_GID = "timeline-label"
Align = Literal["left", "right"]


def _label_text(names: list[str]) -> str:
    """A label of at most three lines: one name wrapped on two lines, or up to three names,
    each cut with an ellipsis at ``_LABEL_CHARS`` characters, and "+N more"."""
    def cut(text: str) -> str:
        text = " ".join(strip_unsafe(text).split())  # measured before _save strips it
        return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "\u2026"

    if len(names) == 1:
        lines = textwrap.wrap(" ".join(strip_unsafe(names[0]).split()), _LABEL_CHARS) or [""]
        if len(lines) > 2:
            lines = [lines[0], cut(" ".join(lines[1:]))]
        return "\n".join(cut(line) for line in lines)
    shown = [cut(n) for n in names[:3]]
    return "\n".join(shown) + (f"\n+{len(names) - 3} more" if len(names) > 3 else "")


def timeline_figure(tl: Timeline) -> Figure | None:
    """The timeline as a figure (None when no event is dated).

    Labels are laid out with the renderer's measure of each text: a lane's labels are taken
    by date and each goes into the lowest row above its lane where it overlaps no label
    already there (greedy interval packing), left of its marker when it would run past the
    plot's right edge; a lane gets the rows it needs up to ``_MAX_ROWS`` and the figure
    grows to hold them. A label that fits in no row is left out and counted in a note."""
    dated = [e for e in tl.events if e.date is not None]
    if not dated:
        return None
    lanes = [k for k in _LANES if any(e.kind == k for e in dated)]
    width_in, left_in, right_in, top_in, bottom_in = 10.0, 1.0, 0.25, 0.45, 0.55
    fig = Figure(figsize=(width_in, 3.0))
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    ax = fig.add_axes((left_in / width_in, 0.2, 1 - (left_in + right_in) / width_in, 0.6))
    first = min(e.date.start for e in dated if e.date)
    last = max(e.date.start for e in dated if e.date)
    pad = max(dt.timedelta(days=3), (last - first) / 12)
    ax.set_xlim(_num(first - pad), _num(last + pad))
    px_per_pt = fig.dpi / 72.0
    x0_px, x1_px = ax.bbox.x0, ax.bbox.x1
    gap = _GAP_PT * px_per_pt
    # per lane: its spots, and its labels placed as (row, x, ha, text artist, height in pt)
    spots_of: list[dict[dt.date, list[str]]] = []
    placed_of: list[list[tuple[int, float, Align, MplText, float]]] = []
    unlabelled = 0
    for kind in lanes:
        spots: dict[dt.date, list[str]] = {}
        # one actor for the whole lane (a subject's own timeline): say what happened instead
        said = len({e.actor for e in dated if e.kind == kind}) == 1
        for e in dated:
            if e.kind != kind or e.date is None:
                continue
            who = (e.text if said else e.actor) or e.text
            if who not in spots.setdefault(e.date.start, []):
                spots[e.date.start].append(who)
        spots_of.append(spots)
        rows: list[list[tuple[float, float]]] = []
        placed: list[tuple[int, float, Align, MplText, float]] = []
        for day, names in sorted(spots.items()):
            text = ax.text(0, 0, _label_text(names), fontsize=_LABEL_PT, gid=LABEL_GID,
                           parse_math=False, va="bottom", zorder=5, clip_on=False,
                           bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                                 "alpha": 0.85})
            extent = text.get_window_extent(renderer)
            x_px = float(ax.transData.transform((_num(day), 0))[0])
            span = (x_px + 2, x_px + 2 + extent.width)
            ha: Align = "left"
            if span[1] > x1_px:
                span, ha = (x_px - 2 - extent.width, x_px - 2), "right"
            if span[0] < x0_px:  # wider than the room on either side: keep it inside
                span, ha = (x0_px, x0_px + extent.width), "left"
            row = next((k for k, taken in enumerate(rows)
                        if all(span[1] + gap <= a or b + gap <= span[0] for a, b in taken)),
                       len(rows))
            if row >= _MAX_ROWS:
                text.remove()
                unlabelled += 1
                continue
            if row == len(rows):
                rows.append([])
            rows[row].append(span)
            placed.append((row, span[0] if ha == "left" else span[1], ha, text,
                           extent.height / px_per_pt))
        placed_of.append(placed)
    # vertical layout in points, lane 0 at the bottom: marker band, then the label rows
    bases: list[float] = []
    y = 0.0
    row_bottoms: list[list[float]] = []
    for placed in placed_of:
        bases.append(y)
        heights: dict[int, float] = {}
        for row, _x, _ha, _t, h in placed:
            heights[row] = max(heights.get(row, 0.0), h)
        bottoms, at = [], y + _MARK_PT
        for row in range(len(heights)):
            bottoms.append(at)
            at += heights[row] + 2.0
        row_bottoms.append(bottoms)
        y = at + 6.0
    total_pt = max(y, 24.0)
    height_in = total_pt / 72.0 + top_in + bottom_in
    fig.set_size_inches(width_in, height_in)
    ax.set_position((left_in / width_in, bottom_in / height_in,
                     1 - (left_in + right_in) / width_in, total_pt / 72.0 / height_in))
    ax.set_ylim(0, total_pt)
    to_data = ax.transData.inverted()
    for n, kind in enumerate(lanes):
        color, marker = _LANES[kind]
        mark_y = bases[n] + _MARK_PT / 2
        for e in dated:
            if e.kind == kind and e.date is not None and e.date.end > e.date.start:
                # a range or a coarse date: show what it covers
                ax.hlines(mark_y, _num(e.date.start), _num(e.date.end), color=color, lw=5,
                          alpha=0.3, zorder=2)
        ax.scatter([_num(d) for d in spots_of[n]], [mark_y] * len(spots_of[n]), color=color,
                   marker=marker, s=36, zorder=3)
        if n:
            ax.axhline(bases[n] - 3.0, color="#eeeeee", lw=0.8, zorder=1)
        for row, x_px, ha, text, _h in placed_of[n]:
            x = float(to_data.transform((x_px, 0))[0])
            text.set_position((x, row_bottoms[n][row]))
            text.set_horizontalalignment(ha)
            anchor = x_px - 2 if ha == "left" else x_px + 2
            ax.vlines(float(to_data.transform((anchor, 0))[0]), mark_y,
                      row_bottoms[n][row], color=color, lw=0.4, alpha=0.5, zorder=1)
    ax.set_yticks([b + _MARK_PT / 2 for b in bases], lanes)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(tl.title if len(tl.title) <= 90 else tl.title[:89] + "\u2026", fontsize=10)
    if unlabelled:
        # bottom left: the date axis puts its offset ("2022-Aug") bottom right
        fig.text(0.01, 0.01, f"{unlabelled} date(s) not labelled: see the report's table",
                 fontsize=7, ha="left", va="bottom", color="#555555")
    return fig


def timeline_chart(tl: Timeline, folder: Path, stem: str | None = None) -> list[Path]:
    """The timeline (``timeline_figure``) as PNG and SVG."""
    fig = timeline_figure(tl)
    if fig is None:
        return []
    return _save(fig, folder, stem or slug(tl.title))
