"""Charts that read: a world map of targets drawn from the shipped country shapes, and
timeline labels that never overlap one another or leave the plot."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from cybertrack.analysis.reach import PeriodStats, Reach, Subject, TargetYear
from cybertrack.analysis.timeline import Timeline, TimelineEvent
from cybertrack.model import PartialDate
from cybertrack.report.charts import LABEL_GID, target_map, timeline_chart, timeline_figure
from cybertrack.report.worldmap import country_shapes, decode_arcs

SVG = "{http://www.w3.org/2000/svg}"
LONG = ("Ministry of Foreign Affairs and International Cooperation of a Very Long Named "
        "Republic, Directorate")


def test_topojson_arcs_are_decoded_and_countries_keyed_by_alpha2() -> None:
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
                "arcs": [[[0, 0], [2, 0], [0, 4]]]}
    assert decode_arcs(topology) == [[(-10.0, 20.0), (-9.0, 20.0), (-9.0, 21.0)]]
    shapes = country_shapes()
    assert {"AL", "IR", "US", "RU", "XK", "UA"} <= set(shapes)
    lon, lat = shapes["AL"].polygons[0][0][0]
    assert 19 < lon < 21.1 and 39.5 < lat < 42.7  # Albania is where it should be
    assert len(shapes["SO"].polygons) == 2  # Somaliland is drawn with Somalia


def _target(year: int, code: str, name: str, n: int, first: bool = False) -> TargetYear:
    return TargetYear(year, code, name, n, (), first, 1000.0, True)


def test_target_map_svg_has_one_path_per_country_and_fills_targets(tmp_path: Path) -> None:
    targets = (_target(2021, "AL", "Albania", 4), _target(2022, "AL", "Albania", 2),
               _target(2022, "US", "United States", 1, first=True),
               _target(2021, "SG", "Singapore", 1))  # too small for the 1:110m shapes
    recent = PeriodStats(2022, 2022, 3, ("AL", "US"), 3, 3, None, None, None)
    r = Reach(Subject("Iran", "state", "IR", ("IR",), (), ()), "Middle East", (), targets, (),
              (), None, recent, (targets[2],), (), "", (), 0)
    paths = target_map(r, tmp_path)
    svg = next(p for p in paths if p.suffix == ".svg")
    root = ET.parse(svg).getroot()  # well-formed XML
    groups = {g.get("id", ""): g for g in root.iter(f"{SVG}g")
              if g.get("id", "").startswith("country-")}
    drawn = {code for code in country_shapes() if code != "AQ"}
    assert set(groups) == {f"country-{c}" for c in drawn}
    assert all(len(list(g.iter(f"{SVG}path"))) == 1 for g in groups.values())

    def fill(code: str) -> str:
        style = next(groups[f"country-{code}"].iter(f"{SVG}path")).get("style", "")
        found = re.search(r"fill:\s*(#[0-9a-f]{6})", style)
        assert found, style
        return found.group(1)

    background = fill("BR")  # not targeted
    assert fill("AL") != background and fill("US") != background
    assert fill("AL") != fill("US")  # six events against one: another class
    assert fill("IR") not in (background, fill("AL"))  # home marked
    assert "Albania (6)" in svg.read_text(encoding="utf-8")


def _crowded() -> Timeline:
    day = dt.date(2022, 7, 1)
    events = []
    for k in range(40):
        kind = ("incident", "attribution", "response")[k % 3]
        when = PartialDate.day(day + dt.timedelta(days=k // 4))
        events.append(TimelineEvent(when, kind, f"{LONG} {k}", f"event {k}", ("src",)))
    events.append(TimelineEvent(PartialDate.day(day + dt.timedelta(days=30)), "denial",
                                "Iran", "denied", ("src",)))
    return Timeline("A crowded timeline " + "with a very long title " * 6, tuple(events))


def test_timeline_labels_never_overlap_and_stay_inside() -> None:
    fig = timeline_figure(_crowded())
    assert fig is not None
    renderer = FigureCanvasAgg(fig).get_renderer()
    labels = [t for t in fig.findobj(Text) if t.get_gid() == LABEL_GID and t.get_visible()]
    assert len(labels) >= 12
    boxes = [t.get_window_extent(renderer) for t in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame, plot = fig.bbox, fig.axes[0].get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert plot.x0 <= box.x0 and box.x1 <= plot.x1  # inside the plot, not just the page
    assert all(len(line) <= 30 for t in labels for line in t.get_text().split("\n"))
    assert any(line.endswith("\u2026") for t in labels for line in t.get_text().split("\n"))
    assert fig.get_figheight() > 3  # grew to hold the rows


def test_timeline_chart_still_writes_png_and_svg(tmp_path: Path) -> None:
    paths = timeline_chart(_crowded(), tmp_path, "crowded")
    assert sorted(p.name for p in paths) == ["crowded.png", "crowded.svg"]
    assert ET.parse(tmp_path / "crowded.svg").getroot().tag == f"{SVG}svg"
