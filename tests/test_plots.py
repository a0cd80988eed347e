"""Tests of the figures: the datasets drawn, the artists, the styles and the saved files."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.report import palette, plots  # noqa: E402
from sim.report.plots.draw import drawn_styles, line_dash  # noqa: E402
from tests import HANG_GUARD  # noqa: E402
from tests.synthetic_tables import (  # noqa: E402
    FOUR,
    INTERESTS,
    make_actors,
    make_events,
    make_pairs,
    make_triangles,
)

NAMES = {"US": "United States", "USSR": "Russia", "PRC": "China", "ROC": "Taiwan"}
EVENTS = make_events(
    [
        ("e1", "1969-03", "Zhenbao Island clash", "Patel2025", True),
        ("e2", "1969-03", "Second clash same month", "X2000", True),
        ("e3", "1969-05", "Talks", "Y2001", True),
        ("off", "1969-04", "Disabled", "Z", False),
    ]
)
N_ENABLED = 3
MARKER_TEXTS = ["1969-03 Zhenbao Island clash / Second clash same month", "1969-05 Talks"]
SEP = "\u2013"
#: Lines whose style encodes a second thing besides their actor or pair (the other side's
#: engagement, dotted; ensemble bands; the debrief's run against the model, solid): they
#: keep the colour, not the line style.
SECONDARY = {"engagement_back", "band50", "band90", "run"}


def data_lines(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def event_markers(ax):
    return [ln for ln in ax.get_lines() if ln.get_gid() == plots.EVENT_GID]


def event_labels(ax):
    return [t.get_text() for t in ax.texts if t.get_gid() == "event-label"]


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def crafted_pairs():
    rel = {
        ("US", "USSR"): [-0.5, -0.4, -0.3, -0.2, -0.1, 0.0],
        ("US", "PRC"): [-0.8, -0.6, -0.2, 0.2, 0.6, 0.8],
        ("USSR", "PRC"): [0.1, -0.7, -0.7, -0.6, -0.6, -0.5],
    }
    channels = {("US", "PRC"): [0, 0, 0.2, 0.5, 0.5, 0.9], ("PRC", "US"): [0, 0.3, 0.3, 0.3, 0, 0]}
    public = {("US", "PRC"): [False, False, False, False, True, True]}
    pairs = make_pairs(
        ("US", "USSR", "PRC"), n_steps=6, relations=rel, channels=channels, public=public
    )
    return pairs, rel


def four_actor_tables(n_steps: int = 8) -> dict:
    channels = {("ROC", "USSR"): [0.1] * n_steps, ("US", "PRC"): [0.0, 0.25] * (n_steps // 2)}
    pairs = make_pairs(FOUR, n_steps=n_steps, seed=3, channels=channels)
    return {
        "pairs": pairs,
        "triangles": make_triangles(pairs),
        "actors": make_actors(FOUR, n_steps=n_steps),
    }


# ---------------------------------------------------------------------------
# the palette: one style per actor and per pair, keyed by scenario order
# ---------------------------------------------------------------------------


def test_actor_styles_follow_scenario_order_and_stay_distinct():
    styles = palette.actor_styles(["USSR", "PRC", "ROC", "US"])
    assert [s["color"] for s in styles.values()] == list(palette.ACTOR_COLOURS[:4])
    assert styles["US"] == palette.actor_style(3)
    # a deterministic rule for any number of actors: never two alike
    many = palette.actor_styles([f"A{i}" for i in range(32)])
    assert len({(s["color"], str(s["linestyle"]), s["marker"]) for s in many.values()}) == 32
    assert palette.actor_styles([f"A{i}" for i in range(32)]) == many
    assert set(palette.ACTOR_COLOURS) == set(palette.OKABE_ITO.values())


def test_pair_styles_follow_the_given_order_and_stay_distinct():
    ids = ["USSR", "PRC", "ROC", "US"]
    pairs = palette.scenario_pairs(ids)
    assert pairs[:3] == [("USSR", "PRC"), ("USSR", "ROC"), ("USSR", "US")]
    styles = palette.pair_styles(pairs)
    assert styles[frozenset(("USSR", "PRC"))]["color"] == palette.PAIR_COLOURS[0]
    assert styles[frozenset(("ROC", "US"))]["color"] == palette.PAIR_COLOURS[5]
    assert len({str(s["linestyle"]) for s in styles.values()}) == 6  # greyscale-readable
    big = palette.pair_styles(combinations([f"A{i}" for i in range(7)], 2))  # 21 pairs
    assert len({(s["color"], str(s["linestyle"])) for s in big.values()}) == 21
    assert set(plots.LINE_COLOURS) == set(palette.OKABE_ITO.values())


def test_classroom_styles_are_the_figures_styles_as_json():
    ids = ["USSR", "PRC", "ROC", "US"]
    out = palette.classroom_styles(ids)
    assert json.loads(json.dumps(out)) == out  # plain JSON for the browser
    actors, pairs = palette.actor_styles(ids), palette.pair_styles(palette.scenario_pairs(ids))
    assert {a: s["color"] for a, s in out["actors"].items()} == {
        a: s["color"] for a, s in actors.items()
    }
    assert list(out["pairs"]) == [f"{a}|{b}" for a, b in palette.scenario_pairs(ids)]
    for key, s in out["pairs"].items():
        assert s["color"] == pairs[frozenset(key.split("|"))]["color"]
    assert out["pairs"]["USSR|PRC"]["dash"] == "" and out["pairs"]["USSR|ROC"]["dash"] == "7 4"
    assert palette.svg_dash((0, (1, 1))) == "2 2"


def test_styles_come_from_the_scenario_order_not_the_rows_shown():
    pairs, _ = crafted_pairs()
    full = {r["key"]: r["color"] for r in drawn_styles(plots.relations_figure(pairs, None, NAMES))}
    fig = plots.relations_figure(pairs, None, NAMES, pairs_to_show=[("PRC", "USSR")])
    (only,) = drawn_styles(fig)
    assert only["key"] == "pair:USSR|PRC" and only["color"] == full["pair:USSR|PRC"]
    # the table's row order and the actors missing from it change nothing
    shuffled = pairs.sample(frac=1, random_state=0)
    again = {
        r["key"]: r["color"] for r in drawn_styles(plots.relations_figure(shuffled, None, NAMES))
    }
    assert again == full
    order = list(NAMES)
    expected = palette.pair_styles(palette.scenario_pairs(order))
    for key, colour in full.items():
        a, b = key.removeprefix("pair:").split("|")
        assert colour == expected[frozenset((a, b))]["color"]


# ---------------------------------------------------------------------------
# every figure of a run: one colour per actor and pair, dated events
# ---------------------------------------------------------------------------


def run_styles(tables: dict, names: dict) -> dict[str, list[dict]]:
    """File name -> the styles every figure of a run drew (as the files get them)."""
    return {name: drawn_styles(fig) for name, fig in plots.run_figures(tables, EVENTS, names)}


def assert_one_style_per_key(records: list[dict], ids: list[str]) -> None:
    """Each actor and pair keeps one colour everywhere, and one line style and marker on
    its primary lines, all as the palette says."""
    actors = palette.actor_styles(ids)
    pairs = palette.pair_styles(palette.scenario_pairs(ids))
    for r in records:
        kind, key = r["key"].split(":", 1)
        want = actors[key] if kind == "actor" else pairs[frozenset(key.split("|"))]
        assert r["color"] == want["color"].upper(), r
        assert r["color"] in {c.upper() for c in palette.OKABE_ITO.values()}
        if r["what"] not in SECONDARY:
            assert r["linestyle"] == str(plots_linestyle(want["linestyle"])), r
            assert r["marker"] == want.get("marker", ""), r


def plots_linestyle(ls):
    """The line style as :func:`~sim.report.plots.draw.line_dash` reads it back."""
    from matplotlib.lines import Line2D

    return line_dash(Line2D([], [], linestyle=ls))


def test_every_figure_file_of_a_run_keeps_each_actors_colour():
    tables = four_actor_tables()
    per_file = run_styles(tables, NAMES)
    assert list(per_file) == [
        "relations.png",
        "roles.png",
        "utilities.png",
        "channels.png",
        *[f"stance_{a}.png" for a in FOUR],
    ]
    records = [r for recs in per_file.values() for r in recs]
    assert_one_style_per_key(records, list(NAMES))
    colours: dict[str, set] = {}
    for r in records:
        colours.setdefault(r["key"], set()).add(r["color"])
    assert all(len(c) == 1 for c in colours.values())
    # every actor appears in several files (the US in the stances of the three others and
    # in the channels figure) and every pair in the relations figure
    for a in FOUR:
        files = {f for f, recs in per_file.items() if any(r["key"] == f"actor:{a}" for r in recs)}
        assert len(files) == 4, (a, files)
    assert {r["key"] for r in per_file["relations.png"]} == {
        f"pair:{a}|{b}" for a, b in palette.scenario_pairs(list(NAMES))
    }


def test_the_us_has_one_colour_in_every_stance_figure():
    """The bug the issue reports: a target's colour depended on whose figure it was."""
    tables = four_actor_tables()
    seen = set()
    for actor in FOUR:
        fig = plots.stance_figure(tables["pairs"], EVENTS, NAMES, actor)
        seen |= {r["color"] for r in drawn_styles(fig) if r["key"] == "actor:US"}
    assert seen == {palette.actor_styles(list(NAMES))["US"]["color"].upper()}


def test_every_time_figure_marks_the_dated_events():
    tables = four_actor_tables()
    tables["ensemble_pairs"] = make_ensemble(FOUR, runs=3, n_steps=8)
    for name, fig in plots.run_figures(tables, EVENTS, NAMES):
        axes = [ax for ax in fig.axes if ax.get_visible()]
        assert axes and all(len(event_markers(ax)) == N_ENABLED for ax in axes), name
        texts = [t for ax in axes for t in event_labels(ax)]
        texts += [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        for marker in MARKER_TEXTS:  # each month's label with its date, somewhere
            assert marker in texts, (name, marker)


def test_event_markers_dataset_numbers_months_and_dates_labels():
    marks = plots.event_markers(EVENTS)
    assert marks.to_dict("list") == {
        "date": ["1969-03", "1969-05"],
        "number": [1, 2],
        "marker": MARKER_TEXTS,
    }
    ev = plots.events_dataset(EVENTS)
    assert ev["event"].tolist() == ["e1", "e2", "e3"]  # disabled events are not drawn
    assert plots.event_markers(None).empty


# ---------------------------------------------------------------------------
# relations
# ---------------------------------------------------------------------------


def test_relations_dataset_exact():
    pairs, rel = crafted_pairs()
    data = plots.relations_dataset(pairs, NAMES)
    dates = ["1969-01", "1969-02", "1969-03", "1969-04", "1969-05", "1969-06"]
    rows = []
    for (a, b), vals in rel.items():
        for step, v in enumerate(vals):
            rows.append((a, b, f"{NAMES[a]}{SEP}{NAMES[b]}", step, dates[step], v * 10))
    expected = pd.DataFrame(rows, columns=["a", "b", "label", "step", "date", "goldstein"])
    pd.testing.assert_frame_equal(data, expected, check_exact=False, rtol=1e-12, atol=1e-12)


def test_relations_dataset_row_order_does_not_matter():
    pairs, _ = crafted_pairs()
    a = plots.relations_dataset(pairs, NAMES)
    b = plots.relations_dataset(pairs.sample(frac=1, random_state=0), NAMES)
    pd.testing.assert_frame_equal(a, b)


def test_relations_dataset_pairs_to_show_keeps_given_order():
    pairs, rel = crafted_pairs()
    data = plots.relations_dataset(pairs, NAMES, pairs_to_show=[("PRC", "US")])
    assert set(zip(data["a"], data["b"], strict=True)) == {("PRC", "US")}
    assert data["label"].unique().tolist() == [f"China{SEP}United States"]
    np.testing.assert_allclose(data["goldstein"], np.array(rel[("US", "PRC")]) * 10)
    with pytest.raises(ValueError):
        plots.relations_dataset(pairs, NAMES, pairs_to_show=[("US", "ROC")])


def test_relations_figure_artists():
    pairs, _ = crafted_pairs()
    fig = plots.relations_figure(pairs, EVENTS, NAMES)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    lines = data_lines(ax)
    assert len(lines) == 3
    assert legend_labels(ax) == [
        f"United States{SEP}Russia",
        f"United States{SEP}China",
        f"Russia{SEP}China",
    ]
    assert len(event_markers(ax)) == N_ENABLED
    assert event_labels(ax) == MARKER_TEXTS  # one dated label per event month
    assert [ln.get_gid() for ln in ax.get_lines()].count("zero-line") == 1
    assert "Goldstein" in ax.get_ylabel() and "-10" in ax.get_ylabel()
    assert ax.get_title()
    x = lines[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("1969-01-01")  # real dates
    data = plots.relations_dataset(pairs, NAMES)
    for ln, (_, sub) in zip(lines, data.groupby(["a", "b"], sort=False), strict=True):
        np.testing.assert_allclose(ln.get_ydata(), sub["goldstein"])
    assert len({r["linestyle"] for r in drawn_styles(fig)}) == 3  # greyscale-readable


def test_relations_figure_on_given_axes():
    pairs, _ = crafted_pairs()
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    assert plots.relations_figure(pairs, EVENTS, NAMES, ax=ax1) is fig
    plots.relations_figure(pairs, None, NAMES, pairs_to_show=[("USSR", "PRC")], ax=ax2)
    assert len(event_markers(ax2)) == 0
    full = {ln.get_label(): ln for ln in data_lines(ax1)}
    (only,) = data_lines(ax2)
    same = full[only.get_label()]
    assert to_hex(only.get_color()) == to_hex(same.get_color())
    assert line_dash(only) == line_dash(same)


@pytest.mark.parametrize("actors", [("A", "B", "C"), ("A", "B", "C", "D", "E")])
def test_relations_three_and_five_actors(actors):
    pairs = make_pairs(actors, n_steps=4, seed=5)
    fig = plots.relations_figure(pairs, EVENTS, {})
    (ax,) = fig.axes
    n_pairs = len(list(combinations(actors, 2)))
    assert len(data_lines(ax)) == n_pairs
    assert legend_labels(ax) == [f"{a}{SEP}{b}" for a, b in combinations(actors, 2)]
    styles = palette.pair_styles(combinations(actors, 2))
    assert len({(s["color"], str(s["linestyle"])) for s in styles.values()}) == n_pairs
    for ln, p in zip(data_lines(ax), combinations(actors, 2), strict=True):
        assert to_hex(ln.get_color()) == to_hex(styles[frozenset(p)]["color"])
    assert len(plots.relations_dataset(pairs)) == n_pairs * 4


# ---------------------------------------------------------------------------
# one actor's stance and secret channels
# ---------------------------------------------------------------------------


def test_stance_dataset_shows_each_sides_engagement():
    pairs, rel = crafted_pairs()
    data = plots.stance_dataset(pairs, NAMES, "US")
    assert list(data.columns) == [
        "target",
        "label",
        "step",
        "date",
        "stance",
        "engagement",
        "engagement_back",
        "channel",
        "channel_public",
    ]
    assert data["target"].unique().tolist() == ["USSR", "PRC"]
    prc = data[data["target"] == "PRC"]
    np.testing.assert_allclose(prc["stance"], np.array(rel[("US", "PRC")]) + 0.05)
    np.testing.assert_allclose(prc["engagement"], [0, 0, 0.2, 0.5, 0.5, 0.9])
    np.testing.assert_allclose(prc["engagement_back"], [0, 0.3, 0.3, 0.3, 0, 0])
    # the working channel is the lesser: it hides the US opening at step 2 and the PRC's
    # at step 1, which the engagement columns show
    np.testing.assert_allclose(prc["channel"], [0, 0, 0.2, 0.3, 0, 0])
    assert prc["channel_public"].tolist() == [False] * 4 + [True] * 2
    assert (data[data["target"] == "USSR"][["engagement", "engagement_back"]] == 0).all().all()
    with pytest.raises(ValueError):
        plots.stance_dataset(pairs, NAMES, "ROC")


def test_stance_figure_puts_channels_on_their_own_axis():
    pairs, _ = crafted_pairs()
    data = plots.stance_dataset(pairs, NAMES, "US")
    fig = plots.stance_figure(pairs, EVENTS, NAMES, "US")
    top, bottom = fig.axes
    assert top.get_ylim() == pytest.approx((-1.05, 1.05)) and "stance" in top.get_ylabel()
    assert bottom.get_ylim()[0] < 0 < 1 < bottom.get_ylim()[1] <= 1.05
    assert "engagement" in bottom.get_ylabel()
    by_gid = {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines()}
    prc = data[data["target"] == "PRC"]
    np.testing.assert_allclose(by_gid["stance/actor:PRC"].get_ydata(), prc["stance"])
    np.testing.assert_allclose(by_gid["engagement/actor:PRC"].get_ydata(), prc["engagement"])
    back = by_gid["engagement_back/actor:PRC"]
    np.testing.assert_allclose(back.get_ydata(), prc["engagement_back"])
    assert back in bottom.get_lines() and by_gid["stance/actor:PRC"] in top.get_lines()
    assert back.get_color() == by_gid["stance/actor:PRC"].get_color()
    assert legend_labels(top) == ["Russia", "China"]
    # events: lines on both axes, dated labels once (on the top axis)
    assert len(event_markers(top)) == len(event_markers(bottom)) == N_ENABLED
    assert event_labels(top) == MARKER_TEXTS and event_labels(bottom) == []
    assert "United States" in fig.get_suptitle()


def test_stance_figure_on_given_axes():
    pairs, _ = crafted_pairs()
    fig = Figure()
    axes = fig.subplots(2, 1)
    assert plots.stance_figure(pairs, None, NAMES, "PRC", axes=axes) is fig
    assert "China" in axes[0].get_title()


# ---------------------------------------------------------------------------
# channels pair by pair
# ---------------------------------------------------------------------------


def test_channels_dataset_exact():
    pairs, _ = crafted_pairs()
    data = plots.channels_dataset(pairs, NAMES)
    assert list(data.columns) == [
        "a",
        "b",
        "label",
        "step",
        "date",
        "engagement_a",
        "engagement_b",
        "channel",
        "public",
    ]
    assert list(dict.fromkeys(zip(data["a"], data["b"], strict=True))) == [
        ("US", "USSR"),
        ("US", "PRC"),
        ("USSR", "PRC"),
    ]
    up = data[(data["a"] == "US") & (data["b"] == "PRC")]
    np.testing.assert_allclose(up["engagement_a"], [0, 0, 0.2, 0.5, 0.5, 0.9])
    np.testing.assert_allclose(up["engagement_b"], [0, 0.3, 0.3, 0.3, 0, 0])
    np.testing.assert_allclose(up["channel"], np.minimum(up["engagement_a"], up["engagement_b"]))
    assert up["public"].tolist() == [False] * 4 + [True] * 2
    assert not data[data["b"] == "USSR"]["public"].any()
    shown = plots.channels_dataset(pairs, NAMES, pairs_to_show=[("PRC", "US")])
    assert set(zip(shown["a"], shown["b"], strict=True)) == {("US", "PRC")}  # actor order


def test_channels_figure_draws_both_sides_in_their_colours():
    pairs, _ = crafted_pairs()
    data = plots.channels_dataset(pairs, NAMES)
    fig = plots.channels_figure(pairs, EVENTS, NAMES)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    us_prc = visible[1]
    assert us_prc.get_title(loc="left") == f"United States{SEP}China"
    lines = {ln.get_gid(): ln for ln in us_prc.get_lines()}
    sub = data[(data["a"] == "US") & (data["b"] == "PRC")]
    np.testing.assert_allclose(lines["engagement/actor:US"].get_ydata(), sub["engagement_a"])
    np.testing.assert_allclose(lines["engagement/actor:PRC"].get_ydata(), sub["engagement_b"])
    assert [c.get_gid() for c in us_prc.collections].count("public") == 1
    assert visible[0].get_title(loc="left").endswith("(no channel)")
    for ax in visible:  # numbered event markers, explained with their dates below
        assert len(event_markers(ax)) == N_ENABLED
        assert [t.get_text() for t in ax.texts if t.get_gid() == "event-number"] == ["1", "2"]
    key = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert all(m in key for m in MARKER_TEXTS)


# ---------------------------------------------------------------------------
# roles
# ---------------------------------------------------------------------------


def test_roles_dataset_exact_runs():
    pairs, _ = crafted_pairs()
    tri = make_triangles(pairs)
    # signs per step: US-USSR - - - - - 0; US-PRC - - - + + +; USSR-PRC + - - - - -
    # step0: one friendly (USSR-PRC) -> stable marriage, US outcast
    # steps1-2: none -> unit veto; steps3-5: one friendly (US-PRC) -> USSR outcast
    data = plots.roles_dataset(tri, NAMES)
    expected = pd.DataFrame(
        [
            ("US-USSR-PRC", "US", "outcast", "1969-01", "1969-01"),
            ("US-USSR-PRC", "US", "foe", "1969-02", "1969-03"),
            ("US-USSR-PRC", "US", "partner", "1969-04", "1969-06"),
            ("US-USSR-PRC", "USSR", "partner", "1969-01", "1969-01"),
            ("US-USSR-PRC", "USSR", "foe", "1969-02", "1969-03"),
            ("US-USSR-PRC", "USSR", "outcast", "1969-04", "1969-06"),
            ("US-USSR-PRC", "PRC", "partner", "1969-01", "1969-01"),
            ("US-USSR-PRC", "PRC", "foe", "1969-02", "1969-03"),
            ("US-USSR-PRC", "PRC", "partner", "1969-04", "1969-06"),
        ],
        columns=["triad", "actor", "role", "start", "end"],
    )
    pd.testing.assert_frame_equal(data, expected)


def test_roles_figure_artists():
    pairs = make_pairs(FOUR, n_steps=8, seed=2)
    tri = make_triangles(pairs)
    data = plots.roles_dataset(tri, NAMES)
    fig = plots.roles_figure(tri, EVENTS, NAMES)
    (ax,) = fig.axes
    bars = [c for c in ax.collections if str(c.get_gid()).startswith("role:")]
    assert len(bars) == data.groupby(["triad", "actor", "role"]).ngroups
    assert sum(len(c.get_paths()) for c in bars) == len(data)  # every run drawn
    present = set(data["role"])
    # plain words beside each role
    assert [lbl.split(":")[0] for lbl in legend_labels(ax)] == [
        r for r in plots.ROLE_ORDER if r in present
    ]
    assert all(": " in lbl for lbl in legend_labels(ax))
    assert len(event_markers(ax)) == N_ENABLED
    assert event_labels(ax) == MARKER_TEXTS
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert f"United States{SEP}Russia{SEP}China triangle" in ticks
    assert ticks.count("Taiwan") == 3  # Taiwan is in three of the four triads
    assert len(ticks) == 4 * 4  # header + three actors per triad
    assert "Roles" in fig.get_suptitle()


# ---------------------------------------------------------------------------
# utilities
# ---------------------------------------------------------------------------


def test_utilities_dataset_exact():
    actors = make_actors(FOUR, n_steps=3)
    data = plots.utilities_dataset(actors, NAMES)
    assert list(data.columns) == ["actor", "variable", "step", "date", "value"]
    assert data["actor"].unique().tolist() == list(FOUR)
    assert data["variable"].unique().tolist() == [*INTERESTS, "utility"]
    assert len(data) == 4 * 6 * 3
    merged = data.merge(actors, on=["actor", "step", "date"])
    for v in (*INTERESTS, "utility"):
        sub = merged[merged["variable"] == v]
        np.testing.assert_array_equal(sub["value"].to_numpy(), sub[v].to_numpy())


@pytest.mark.parametrize("actors", [("US", "USSR", "PRC"), ("A", "B", "C", "D", "E")])
def test_utilities_figure_panels(actors):
    table = make_actors(actors, n_steps=4)
    fig = plots.utilities_figure(table, EVENTS, NAMES)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(actors)
    assert [ax.get_title(loc="left") for ax in visible] == [NAMES.get(a, a) for a in actors]
    for ax in visible:
        assert len(data_lines(ax)) == 6
        assert len(event_markers(ax)) == N_ENABLED
    interests, key = fig.legends
    assert [t.get_text() for t in interests.get_texts()] == [*INTERESTS, "total utility"]
    assert [t.get_text() for t in key.get_texts()] == MARKER_TEXTS


def test_utilities_figure_on_given_axes():
    table = make_actors(("US", "PRC"), n_steps=3)
    fig = Figure()
    axes = fig.subplots(1, 3)
    assert plots.utilities_figure(table, None, NAMES, axes=axes) is fig
    assert [ax.get_visible() for ax in axes] == [True, True, False]
    with pytest.raises(ValueError):
        plots.utilities_figure(table, None, NAMES, axes=axes[:1])


# ---------------------------------------------------------------------------
# fan chart
# ---------------------------------------------------------------------------


def make_ensemble(actors=("US", "USSR", "PRC"), runs=7, n_steps=5):
    return pd.concat(
        [make_pairs(actors, n_steps=n_steps, seed=100 + r).assign(run=r) for r in range(runs)],
        ignore_index=True,
    )


def test_fan_chart_dataset_matches_numpy_quantile():
    ens = make_ensemble()
    data = plots.fan_chart_dataset(ens)
    assert list(data.columns) == ["a", "b", "date", "q05", "q25", "q50", "q75", "q95"]
    assert len(data) == 3 * 5
    for row in data.itertuples():
        both = ens[
            ((ens["actor"] == row.a) & (ens["target"] == row.b))
            | ((ens["actor"] == row.b) & (ens["target"] == row.a))
        ]
        both = both[both["date"] == row.date]
        per_run = both.groupby("run")["goldstein"].mean().to_numpy()
        assert len(per_run) == 7
        expected = np.quantile(per_run, [0.05, 0.25, 0.5, 0.75, 0.95])
        np.testing.assert_allclose(
            [row.q05, row.q25, row.q50, row.q75, row.q95], expected, rtol=0, atol=1e-12
        )
    assert (data["q05"] <= data["q25"]).all() and (data["q75"] <= data["q95"]).all()


def test_fan_chart_quantiles_of_known_values():
    # five runs with relations 0, .1, .2, .3, .4 -> Goldstein 0..4
    ens = pd.concat(
        [
            make_pairs(("A", "B"), n_steps=1, relations={("A", "B"): [r / 10]}).assign(run=r)
            for r in range(5)
        ]
    )
    data = plots.fan_chart_dataset(ens)
    assert data.iloc[0][["q05", "q25", "q50", "q75", "q95"]].tolist() == pytest.approx(
        [0.2, 1.0, 2.0, 3.0, 3.8]
    )


def test_fan_chart_artists():
    ens = make_ensemble()
    fig = plots.fan_chart(ens, EVENTS, NAMES)
    (ax,) = fig.axes
    medians = data_lines(ax)
    assert len(medians) == 3
    bands = [c for c in ax.collections if str(c.get_gid()).startswith("band")]
    assert len(bands) == 6
    assert legend_labels(ax) == [
        f"United States{SEP}Russia",
        f"United States{SEP}China",
        f"Russia{SEP}China",
        "50% band",
        "90% band",
    ]
    assert len(event_markers(ax)) == N_ENABLED and event_labels(ax) == MARKER_TEXTS
    data = plots.fan_chart_dataset(ens, names=NAMES)
    np.testing.assert_allclose(medians[0].get_ydata(), data["q50"].iloc[:5])
    # a pair keeps the colour and dash of the single-run relations figure
    run = drawn_styles(plots.relations_figure(make_pairs(("US", "USSR", "PRC")), None, NAMES))
    fan = [r for r in drawn_styles(fig) if r["what"] == "median"]
    assert {(r["key"], r["color"], r["linestyle"]) for r in fan} == {
        (r["key"], r["color"], r["linestyle"]) for r in run
    }


def test_fan_chart_panels_number_the_events():
    ens = make_ensemble()
    fig = plots.fan_chart_panels(ens, EVENTS, NAMES)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    for ax in visible:
        assert len(event_markers(ax)) == N_ENABLED and event_labels(ax) == []
    key = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert all(m in key for m in MARKER_TEXTS)


# ---------------------------------------------------------------------------
# saving, headless and lazy import
# ---------------------------------------------------------------------------


def png_dpi(path: Path) -> float:
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    i = raw.index(b"pHYs")
    ppm_x, _ppm_y, unit = struct.unpack(">IIB", raw[i + 4 : i + 13])
    assert unit == 1
    return ppm_x * 0.0254


@pytest.mark.parametrize(
    "actors",
    [("US", "USSR", "PRC"), FOUR, ("US", "Russia", "PRC", "ROC", "Japan")],
    ids=["three", "four", "five"],
)
def test_save_figures_writes_pngs(tmp_path, actors):
    pairs = make_pairs(actors, n_steps=6, seed=4)
    tables = {
        "pairs": pairs,
        "triangles": make_triangles(pairs),
        "actors": make_actors(actors, n_steps=6),
        "ensemble_pairs": make_ensemble(actors, runs=3, n_steps=6),
    }
    names = {a: f"{a} state" for a in actors}
    paths = plots.save_figures(tables, EVENTS, names, tmp_path / "figs")
    expected = ["relations.png", "roles.png", "utilities.png", "channels.png"]
    expected += [f"stance_{a}.png" for a in actors] + ["fan_chart.png"]
    assert [p.name for p in paths] == expected
    for p in paths:
        assert p.exists() and p.stat().st_size > 1000
        assert png_dpi(p) == pytest.approx(150, abs=0.1)


def test_save_figures_skips_missing_tables(tmp_path):
    pairs, _ = crafted_pairs()
    paths = plots.save_figures({"pairs": pairs, "actors": pd.DataFrame()}, None, {}, tmp_path)
    assert [p.name for p in paths] == [
        "relations.png",
        "channels.png",
        "stance_US.png",
        "stance_USSR.png",
        "stance_PRC.png",
    ]


def test_reading_the_figures_data_never_imports_matplotlib(monkeypatch):
    """Datasets, the narrative and styles work with matplotlib unavailable: a batch job
    with ``output.figures=false`` never loads it."""
    from sim.report.narrative import narrate

    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, mod, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    tables = four_actor_tables()
    pairs = tables["pairs"]
    assert len(plots.relations_dataset(pairs, NAMES))
    assert len(plots.stance_dataset(pairs, NAMES, "US"))
    assert len(plots.channels_dataset(pairs, NAMES))
    assert len(plots.roles_dataset(tables["triangles"], NAMES))
    assert len(plots.utilities_dataset(tables["actors"], NAMES))
    assert len(plots.fan_chart_dataset(make_ensemble()))
    assert narrate(pairs, None, tables["triangles"], EVENTS, NAMES)
    assert palette.classroom_styles(list(NAMES))
    with pytest.raises(ImportError):  # the block works: drawing does need matplotlib
        plots.relations_figure(pairs, EVENTS, NAMES)


def test_import_loads_neither_matplotlib_nor_pyplot():
    code = (
        "import sys, sim.report.plots, sim.report.narrative, sim.report.debrief, "
        "sim.report.report, sim.report.palette; "
        "sys.exit(any(m.startswith('matplotlib') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=HANG_GUARD
    )
    assert res.returncode == 0, res.stderr
