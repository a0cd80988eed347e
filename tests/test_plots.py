"""Tests of the figures: the datasets drawn, the artists, and the saved files."""

from __future__ import annotations

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

from sim.report import plots  # noqa: E402
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
SEP = "\u2013"


def data_lines(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def event_markers(ax):
    return [ln for ln in ax.get_lines() if ln.get_gid() == plots.EVENT_GID]


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def crafted_pairs():
    rel = {
        ("US", "USSR"): [-0.5, -0.4, -0.3, -0.2, -0.1, 0.0],
        ("US", "PRC"): [-0.8, -0.6, -0.2, 0.2, 0.6, 0.8],
        ("USSR", "PRC"): [0.1, -0.7, -0.7, -0.6, -0.6, -0.5],
    }
    channels = {("US", "PRC"): [0, 0, 0.2, 0.5, 0.5, 0.9]}
    return make_pairs(("US", "USSR", "PRC"), n_steps=6, relations=rel, channels=channels), rel


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
    # one label per event month (two events share 1969-03)
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "event-label"]
    assert labels == ["Zhenbao Island clash / Second clash same month", "Talks"]
    assert [ln.get_gid() for ln in ax.get_lines()].count("zero-line") == 1
    assert "Goldstein" in ax.get_ylabel() and "-10..+10" in ax.get_ylabel()
    assert ax.get_title()
    # x data are real dates
    x = lines[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("1969-01-01")
    # plotted y equals the dataset
    data = plots.relations_dataset(pairs, NAMES)
    for ln, (_, sub) in zip(lines, data.groupby(["a", "b"], sort=False), strict=True):
        np.testing.assert_allclose(ln.get_ydata(), sub["goldstein"])
    # greyscale-readable: the three pairs get three different line styles
    assert (
        len({str(s["linestyle"]) for s in plots.pair_styles(plots.unordered_pairs(pairs)).values()})
        == 3
    )


def test_relations_figure_on_given_axes_and_styles_stable():
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
    assert only.get_linestyle() == same.get_linestyle()


def test_pair_styles_use_okabe_ito_and_sorted_pairs():
    styles = plots.pair_styles([("US", "USSR"), ("PRC", "US"), ("ROC", "PRC")])
    # sorted pair list: (PRC, ROC), (PRC, US), (US, USSR)
    assert styles[frozenset(("PRC", "ROC"))]["color"] == plots.LINE_COLOURS[0]
    assert styles[frozenset(("PRC", "US"))]["color"] == plots.LINE_COLOURS[1]
    assert styles[frozenset(("US", "USSR"))]["color"] == plots.LINE_COLOURS[2]
    assert set(plots.LINE_COLOURS) == set(plots.OKABE_ITO.values())


# ---------------------------------------------------------------------------
# stance
# ---------------------------------------------------------------------------


def test_stance_dataset_and_figure():
    pairs, rel = crafted_pairs()
    data = plots.stance_dataset(pairs, NAMES, "US")
    assert data["target"].unique().tolist() == ["USSR", "PRC"]
    prc = data[data["target"] == "PRC"]
    np.testing.assert_allclose(prc["stance"], np.array(rel[("US", "PRC")]) + 0.05)
    np.testing.assert_allclose(prc["channel"], [0, 0, 0.2, 0.5, 0.5, 0.9])
    np.testing.assert_allclose(data[data["target"] == "USSR"]["channel"], 0.0)
    assert list(data.columns) == ["target", "label", "step", "date", "stance", "channel"]

    fig = plots.stance_figure(pairs, EVENTS, NAMES, "US")
    (ax,) = fig.axes
    assert len(data_lines(ax)) == 4
    assert legend_labels(ax) == [
        "stance toward Russia",
        "secret channel with Russia",
        "stance toward China",
        "secret channel with China",
    ]
    channel = next(ln for ln in ax.get_lines() if ln.get_gid() == "channel:PRC")
    assert channel.get_linestyle() == ":"
    np.testing.assert_allclose(channel.get_ydata(), prc["channel"])
    assert len(event_markers(ax)) == N_ENABLED
    assert "United States" in ax.get_title()
    with pytest.raises(ValueError):
        plots.stance_dataset(pairs, NAMES, "ROC")


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
    # every run drawn: total number of bar rectangles equals number of runs
    assert sum(len(c.get_paths()) for c in bars) == len(data)
    present = set(data["role"])
    assert legend_labels(ax) == [r for r in plots.ROLE_ORDER if r in present]
    assert len(event_markers(ax)) == N_ENABLED
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert f"United States{SEP}Russia{SEP}China triangle" in ticks
    assert ticks.count("Taiwan") == 3  # Taiwan is in three of the four triads
    assert len(ticks) == 4 * 4  # header + three actors per triad
    assert fig._suptitle is not None and "Roles" in fig._suptitle.get_text()


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
    fig = plots.utilities_figure(table, NAMES)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(actors)
    assert [ax.get_title() for ax in visible] == [NAMES.get(a, a) for a in actors]
    for ax in visible:
        assert len(data_lines(ax)) == 6
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [*INTERESTS, "total utility"]


def test_utilities_figure_on_given_axes():
    table = make_actors(("US", "PRC"), n_steps=3)
    fig = Figure()
    axes = fig.subplots(1, 3)
    assert plots.utilities_figure(table, NAMES, axes=axes) is fig
    assert [ax.get_visible() for ax in axes] == [True, True, False]
    with pytest.raises(ValueError):
        plots.utilities_figure(table, NAMES, axes=axes[:1])


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
    bands = [c for c in ax.collections if c.get_gid() in ("band50", "band90")]
    assert len(bands) == 6
    assert legend_labels(ax) == [
        f"United States{SEP}Russia",
        f"United States{SEP}China",
        f"Russia{SEP}China",
        "50% band",
        "90% band",
    ]
    assert len(event_markers(ax)) == N_ENABLED
    data = plots.fan_chart_dataset(ens, names=NAMES)
    np.testing.assert_allclose(medians[0].get_ydata(), data["q50"].iloc[:5])


# ---------------------------------------------------------------------------
# saving, other actor counts, headless import
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
    expected = ["relations.png", "roles.png", "utilities.png"]
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
        "stance_US.png",
        "stance_USSR.png",
        "stance_PRC.png",
    ]


@pytest.mark.parametrize("actors", [("A", "B", "C"), ("A", "B", "C", "D", "E")])
def test_relations_three_and_five_actors(actors):
    pairs = make_pairs(actors, n_steps=4, seed=5)
    fig = plots.relations_figure(pairs, EVENTS, {})
    (ax,) = fig.axes
    n_pairs = len(list(combinations(actors, 2)))
    assert len(data_lines(ax)) == n_pairs
    assert legend_labels(ax) == [f"{a}{SEP}{b}" for a, b in combinations(actors, 2)]
    # colour + line style unique per pair (8 colours, so style must separate repeats)
    styles = plots.pair_styles(combinations(actors, 2))
    assert len({(s["color"], str(s["linestyle"])) for s in styles.values()}) == n_pairs
    for ln, p in zip(data_lines(ax), combinations(actors, 2), strict=True):
        assert to_hex(ln.get_color()) == to_hex(styles[frozenset(p)]["color"])
    assert len(plots.relations_dataset(pairs)) == n_pairs * 4


def test_import_does_not_load_pyplot():
    code = "import sys, sim.report.plots; sys.exit('matplotlib.pyplot' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
