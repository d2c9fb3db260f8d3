"""Charts written next to a report, each as PNG and SVG (``--charts DIR``).

- targets by year: incidents per year, inside and outside the home region, recent period shaded;
- target map: every country's capital as a faint dot (a world outline without a base map),
  targets sized by incident count and coloured by period, lines from the home capital;
- timeline: events on a date axis, one lane per kind of event.

matplotlib is driven through its object API with the Agg canvas, so nothing depends on a
display or on pyplot's global state, and charts can be drawn from threads.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.text import Text as MplText

from cybertrack.analysis.reach import Reach
from cybertrack.analysis.timeline import Timeline
from cybertrack.reference import Reference, load_reference
from cybertrack.textsafe import UNSAFE_RE, strip_unsafe

_INSIDE, _OUTSIDE, _HOME = "#8da0cb", "#fc8d62", "#1a1a1a"
_BASE, _RECENT, _NEW = "#4575b4", "#fdae61", "#d7301f"
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


def target_map(r: Reach, folder: Path, ref: Reference | None = None) -> list[Path]:
    """World scatter of target capitals (lon/lat), home capital marked, recent in red."""
    ref = ref or load_reference()
    places = {c.code: c for c in ref.countries() if c.lat is not None and c.lon is not None}
    lons = [float(c.lon or 0.0) for c in places.values()]
    lats = [float(c.lat or 0.0) for c in places.values()]
    if not r.targets:
        return []
    fig = Figure(figsize=(10, 5.2))
    ax = fig.add_subplot()
    ax.scatter(lons, lats, s=4,
               color="#dddddd", zorder=1)
    home = places.get(r.subject.home or "")
    recent_from = r.recent.first_year if r.recent else 10_000
    new_codes = {t.country for t in r.first_time}
    totals: dict[str, tuple[int, bool]] = {}
    for t in r.targets:
        n, recent = totals.get(t.country, (0, False))
        totals[t.country] = (n + t.incidents, recent or t.year >= recent_from)
    busiest = set(sorted(totals, key=lambda k: -totals[k][0])[:6])
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7}
    labels: list[tuple[bool, str, float, float]] = []
    for code, (n, recent) in sorted(totals.items(), key=lambda kv: (kv[1][1], kv[0] in new_codes)):
        c = places.get(code)
        if c is None or c.lon is None or c.lat is None:
            continue
        color = _NEW if code in new_codes else _RECENT if recent else _BASE
        if home is not None and home.lon is not None and home.lat is not None:
            ax.plot([home.lon, c.lon], [home.lat, c.lat], color=color,
                    alpha=0.45 if code in new_codes else 0.15, lw=0.8, zorder=2)
        ax.scatter([c.lon], [c.lat], s=20 + 40 * n ** 0.5, color=color, alpha=0.8, zorder=3,
                   edgecolors="white", linewidths=0.5)
        if code in new_codes or code in busiest:
            labels.append((code in new_codes, c.name, c.lon, c.lat))
    placed: list[tuple[float, float, float, float]] = []
    for is_new, name, lon, lat in sorted(labels, key=lambda x: not x[0]):
        dx, dy, ha = _free_spot(placed, name, lon, lat)
        ax.annotate(name, (lon, lat), fontsize=7.5, xytext=(dx, dy), ha=ha,
                    textcoords="offset points", zorder=4, bbox=box,
                    weight="bold" if is_new else "normal",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5})
    if home is not None and home.lon is not None and home.lat is not None:
        ax.scatter([home.lon], [home.lat], marker="*", s=260, color=_HOME, zorder=5,
                   edgecolors="white")
        ax.annotate(f"{home.capital} (home)", (home.lon, home.lat), fontsize=8,
                    weight="bold", xytext=(8, -14), textcoords="offset points", bbox=box,
                    zorder=6)
    ax.scatter([], [], color=_BASE, label="targeted before the recent period only")
    ax.scatter([], [], color=_RECENT, label="targeted again in the recent period")
    ax.scatter([], [], color=_NEW, label="first targeted in the recent period")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    ax.grid(color="#f0f0f0", lw=0.5)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"Capitals of countries targeted by operations attributed to {r.subject.name}"
                 " (marker size: incidents)", fontsize=10)
    return _save(fig, folder, f"{slug(r.subject.name)}-target-map")


def _free_spot(placed: list[tuple[float, float, float, float]], name: str, lon: float,
               lat: float) -> tuple[int, int, str]:
    """An offset (points) and alignment for a label that avoids the labels placed so far,
    judged with rough boxes in degrees (1 pt ~ 0.33 deg at this figure size)."""
    width, height = 2.1 * len(name), 4.5
    for dx, dy, ha in ((6, 5, "left"), (-6, 5, "right"), (6, -13, "left"), (-6, -13, "right"),
                       (6, 18, "left"), (-6, 18, "right"), (6, -26, "left"), (-6, -26, "right")):
        x0 = lon + dx / 3 - (width if ha == "right" else 0)
        y0 = lat + dy / 3
        box = (x0, y0, x0 + width, y0 + height)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in placed):
            placed.append(box)
            return dx, dy, ha
    return 6, 5, "left"


def timeline_chart(tl: Timeline, folder: Path, stem: str | None = None) -> list[Path]:
    """Events on a date axis, one lane per kind; labels on the few most informative."""
    dated = [e for e in tl.events if e.date is not None]
    if not dated:
        return []
    lanes = [k for k in _LANES if any(e.kind == k for e in dated)]
    fig = Figure(figsize=(10, 1.2 + 0.9 * len(lanes)))
    ax = fig.add_subplot()
    label_budget = 24
    for n, kind in enumerate(lanes):
        color, marker = _LANES[kind]
        spots: dict[dt.date, list[str]] = {}
        for e in dated:
            if e.kind != kind or e.date is None:
                continue
            if e.date.end > e.date.start:  # a range or a coarse date: show what it covers
                ax.hlines(n, _num(e.date.start), _num(e.date.end), color=color, lw=5,
                          alpha=0.3, zorder=2)
            who = e.actor or e.text[:28]
            if who not in spots.setdefault(e.date.start, []):
                spots[e.date.start].append(who)
        ax.scatter([_num(d) for d in spots], [n] * len(spots), color=color, marker=marker,
                   s=36, zorder=3)
        if len(dated) <= label_budget:
            for k, (day, names) in enumerate(sorted(spots.items())):
                text = "\n".join(names[:3]) + (f"\n+{len(names) - 3}" if len(names) > 3 else "")
                ax.annotate(text, (_num(day), n), fontsize=7, xytext=(3, 5 if k % 2 == 0 else -5),
                            va="bottom" if k % 2 == 0 else "top", textcoords="offset points")
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(-0.6, len(lanes) - 0.2)
    first = min(e.date.start for e in dated if e.date)
    last = max(e.date.start for e in dated if e.date)
    pad = max(dt.timedelta(days=3), (last - first) / 12)
    ax.set_xlim(_num(first - pad), _num(last + pad * 2))
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(tl.title if len(tl.title) <= 90 else tl.title[:89] + "\u2026", fontsize=10)
    return _save(fig, folder, stem or slug(tl.title))
