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
from collections import Counter
from pathlib import Path

from matplotlib.figure import Figure

from cybertrack.analysis.reach import Reach
from cybertrack.analysis.timeline import Timeline
from cybertrack.reference import Reference, load_reference

_INSIDE, _OUTSIDE, _RECENT, _BASE, _HOME = "#8da0cb", "#fc8d62", "#d7301f", "#4575b4", "#1a1a1a"
_LANES = {"incident": ("#d7301f", "o"), "attribution": ("#4575b4", "s"),
          "denial": ("#7f7f7f", "x"), "response": ("#1a9850", "^")}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


def _save(fig: Figure, folder: Path, stem: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in ("png", "svg"):
        path = folder / f"{stem}.{ext}"
        fig.savefig(path, dpi=130, bbox_inches="tight")
        out.append(path)
    return out


def targets_by_year(r: Reach, folder: Path) -> list[Path]:
    """Bar chart of incidents per year, split by whether a target lies outside home."""
    years = sorted({e.year for e in r.incidents})
    if not years:
        return []
    span = list(range(years[0], years[-1] + 1))
    outside = Counter(t.year for t in r.targets if t.outside_home for _ in range(t.incidents))
    inside = Counter(t.year for t in r.targets if not t.outside_home
                     for _ in range(t.incidents))
    fig = Figure(figsize=(9, 4.2))
    ax = fig.add_subplot()
    ax.bar(span, [inside[y] for y in span], color=_INSIDE, label=f"in {r.home_region}")
    ax.bar(span, [outside[y] for y in span], bottom=[inside[y] for y in span],
           color=_OUTSIDE, label=f"outside {r.home_region}")
    if r.recent is not None:
        ax.axvspan(r.recent.first_year - 0.5, r.recent.last_year + 0.5, color="#eeeeee",
                   zorder=0, label="recent period")
    for t in r.first_time:
        ax.annotate(t.name, (t.year, inside[t.year] + outside[t.year]), ha="center",
                    va="bottom", fontsize=7, rotation=90, xytext=(0, 3),
                    textcoords="offset points")
    ax.set_title(f"Targets of operations attributed to {r.subject.name}, by year")
    ax.set_xlabel("year")
    ax.set_ylabel("targeted countries x incidents")
    ax.set_xticks(span[:: max(1, len(span) // 12)])
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, folder, f"{slug(r.subject.name)}-targets-by-year")


def target_map(r: Reach, folder: Path, ref: Reference | None = None) -> list[Path]:
    """World scatter of target capitals (lon/lat), home capital marked, recent in red."""
    ref = ref or load_reference()
    places = {c.code: c for c in ref.countries() if c.lat is not None and c.lon is not None}
    if not r.targets:
        return []
    fig = Figure(figsize=(10, 5.2))
    ax = fig.add_subplot()
    ax.scatter([c.lon for c in places.values()], [c.lat for c in places.values()], s=4,
               color="#dddddd", zorder=1)
    home = places.get(r.subject.home or "")
    recent_from = r.recent.first_year if r.recent else 10_000
    totals: dict[str, tuple[int, bool]] = {}
    for t in r.targets:
        n, recent = totals.get(t.country, (0, False))
        totals[t.country] = (n + t.incidents, recent or t.year >= recent_from)
    for code, (n, recent) in sorted(totals.items(), key=lambda kv: kv[1][1]):
        c = places.get(code)
        if c is None or (home and code == home.code):
            continue
        color = _RECENT if recent else _BASE
        if home is not None:
            ax.plot([home.lon, c.lon], [home.lat, c.lat], color=color, alpha=0.25, lw=0.7,
                    zorder=2)
        ax.scatter([c.lon], [c.lat], s=18 + 14 * n, color=color, alpha=0.75, zorder=3,
                   edgecolors="white", linewidths=0.5)
        if recent or n >= 3:
            ax.annotate(c.name, (c.lon or 0.0, c.lat or 0.0), fontsize=7, xytext=(4, 3),
                        textcoords="offset points", zorder=4)
    if home is not None:
        ax.scatter([home.lon], [home.lat], marker="*", s=220, color=_HOME, zorder=5)
        ax.annotate(f"{home.capital} (home)", (home.lon or 0.0, home.lat or 0.0),
                    fontsize=8, weight="bold", xytext=(6, -10), textcoords="offset points")
    ax.scatter([], [], color=_BASE, label="targeted in the baseline only")
    ax.scatter([], [], color=_RECENT, label="targeted in the recent period")
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
        mine = [e for e in dated if e.kind == kind]
        color, marker = _LANES[kind]
        xs = [e.date.start for e in mine if e.date]
        ax.scatter(xs, [n] * len(xs), color=color, marker=marker, s=36, zorder=3)
        if len(dated) <= label_budget:
            for k, e in enumerate(mine):
                if e.date is None:
                    continue
                ax.annotate(e.actor or e.text[:24], (e.date.start, n), fontsize=7,
                            rotation=25, xytext=(2, 6 + 7 * (k % 2)),
                            textcoords="offset points")
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(-0.6, len(lanes) - 0.2)
    first = min(e.date.start for e in dated if e.date)
    last = max(e.date.start for e in dated if e.date)
    pad = max(dt.timedelta(days=3), (last - first) / 12)
    ax.set_xlim(first - pad, last + pad * 2)
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_title(tl.title, fontsize=10)
    fig.autofmt_xdate()
    return _save(fig, folder, stem or slug(tl.title))
