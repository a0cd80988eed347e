"""Tests of the plain-words narrative built from synthetic result tables."""

from __future__ import annotations

from itertools import combinations

import pandas as pd
import pytest

from sim.report.narrative import _channel_items, narrate, narrative_text
from sim.report.words import CONFIGURATION_PLAIN, CONFIGURATION_TERMS, ROLE_GLOSS
from tests.synthetic_tables import make_events, make_factions, make_log, make_pairs, make_triangles

ACTORS = ("US", "USSR", "PRC")
NAMES = {"US": "US", "USSR": "Soviet Union", "PRC": "PRC"}


def crafted():
    """Four months, 1969-02..1969-05, three actors, one of everything."""
    pairs = make_pairs(
        ACTORS,
        n_steps=4,
        start="1969-02",
        relations={
            ("US", "USSR"): [-0.5, -0.5, -0.5, -0.5],
            ("US", "PRC"): [-0.2, -0.2, -0.2, 0.1],  # crosses zero in 1969-05 (+3.0)
            ("USSR", "PRC"): [-0.1, -0.74, -0.74, -0.74],  # falls 6.4 in 1969-03
        },
        channels={("US", "PRC"): [0.0, 0.25, 0.25, 0.25]},  # opened in 1969-03
        public={("US", "PRC"): [False, False, True, True]},  # leaked in 1969-04
    )
    triangles = make_triangles(pairs)
    events = make_events(
        [
            ("zhenbao", "1969-03", "Zhenbao Island clash", "Patel2025", True),
            ("ghost", "1969-04", "Disabled event", "Nobody2000", False),
            ("late", "1970-01", "Outside the run", "Later1970", True),
        ]
    )
    log = make_log(
        [
            {"step": 1, "date": "1969-03", "actor": "USSR", "target": "PRC", "action": "clash",
             "kind": "event", "event": "zhenbao", "citation": "Patel2025", "probability": float("nan")},
            {"step": 1, "date": "1969-03", "actor": "US", "target": "PRC", "action": "open_channel",
             "secret": True},
            {"step": 1, "date": "1969-03", "actor": "US", "target": "USSR", "action": "warm"},
            {"step": 2, "date": "1969-04", "actor": "US", "target": "PRC", "action": "leak_channel"},
        ]
    )  # fmt: skip
    factions = make_factions(ACTORS, n_steps=4, start="1969-02", takeover={"USSR": 2})
    return pairs, log, triangles, events, factions


EXPECTED = [
    "1969-03: Zhenbao Island clash (Patel2025). Soviet Union–PRC relation falls to -7.4 on "
    "the Goldstein scale (-10 hostile .. +10 cooperative).",
    "1969-03: US secretly opens a channel to PRC.",
    "1969-04: US leaks the secret channel with PRC.",
    "1969-04: Soviet Union: the hawks faction overtakes the doves faction (influence 0.70 vs 0.30).",
    "1969-05: US–Soviet Union–PRC triangle shifts from all three hostile [unit veto] to two "
    "partners against an outcast [stable marriage]; Soviet Union becomes the outcast (facing "
    "two partners).",
    "1969-05: US–PRC relation rises to +1.0 on the Goldstein scale, turning friendly.",
]


def test_crafted_case_exact_lines():
    pairs, log, triangles, events, factions = crafted()
    assert narrate(pairs, log, triangles, events, NAMES, factions) == EXPECTED


def test_without_factions_drops_only_the_faction_line():
    pairs, log, triangles, events, _ = crafted()
    lines = narrate(pairs, log, triangles, events, NAMES)
    assert lines == [line for line in EXPECTED if "faction" not in line]


def test_relation_change_not_tied_to_an_event_stands_alone():
    pairs, log, triangles, events, factions = crafted()
    log = log[log["kind"] != "event"]
    lines = narrate(pairs, log, triangles, events, NAMES, factions)
    assert lines[:2] == [
        "1969-03: Zhenbao Island clash (Patel2025).",
        "1969-03: US secretly opens a channel to PRC.",
    ]
    assert (
        "1969-03: Soviet Union–PRC relation falls to -7.4 on the Goldstein scale "
        "(-10 hostile .. +10 cooperative)." in lines
    )


def test_deterministic_and_independent_of_row_order():
    pairs, log, triangles, events, factions = crafted()
    first = narrate(pairs, log, triangles, events, NAMES, factions)
    again = narrate(pairs, log, triangles, events, NAMES, factions)
    shuffled = narrate(
        pairs.sample(frac=1, random_state=1),
        log.sample(frac=1, random_state=2),
        triangles.sample(frac=1, random_state=3),
        events.sample(frac=1, random_state=4),
        NAMES,
        factions.sample(frac=1, random_state=5),
    )
    assert first == again == shuffled == EXPECTED


def test_threshold_parameter():
    pairs = make_pairs(
        ACTORS,
        n_steps=2,
        relations={
            ("US", "USSR"): [0.3, 0.45],
            ("US", "PRC"): [0.5, 0.5],
            ("USSR", "PRC"): [0.2, 0.2],
        },
    )
    assert narrate(pairs, None, None, None, NAMES) == []  # 1.5 < default 2.0
    assert narrate(pairs, None, None, None, NAMES, threshold=1.5) == [
        "1969-02: US–Soviet Union relation rises to +4.5 on the Goldstein scale "
        "(-10 hostile .. +10 cooperative)."
    ]


def test_cap_per_month_keeps_highest_priority():
    pairs, log, triangles, events, factions = crafted()
    lines = narrate(pairs, log, triangles, events, NAMES, factions, max_lines_per_month=1)
    assert lines == [EXPECTED[0], EXPECTED[2], EXPECTED[4]]


def test_channel_moves_without_a_pairs_table_are_all_told():
    log = make_log(
        [
            {"step": 0, "date": "1971-07", "actor": "US", "target": "PRC", "action": "open_channel"},
            {"step": 0, "date": "1971-07", "actor": "USSR", "target": "US", "action": "close_channel",
             "secret": True},
            {"step": 0, "date": "1971-07", "actor": "PRC", "target": "US", "action": "close_channel"},
        ]
    )  # fmt: skip
    assert narrate(None, log, None, None, NAMES) == [
        "1971-07: US opens a channel to PRC.",
        "1971-07: Soviet Union secretly closes its channel to US.",
        "1971-07: PRC closes its channel to US.",
    ]


def test_pivot_role_change_without_configuration_change():
    tri = pd.DataFrame(
        [
            (0, "1969-01", "A-B-C", "romantic_triangle", "A", "pivot"),
            (0, "1969-01", "A-B-C", "romantic_triangle", "B", "wing"),
            (0, "1969-01", "A-B-C", "romantic_triangle", "C", "wing"),
            (1, "1969-02", "A-B-C", "romantic_triangle", "A", "wing"),
            (1, "1969-02", "A-B-C", "romantic_triangle", "B", "pivot"),
            (1, "1969-02", "A-B-C", "romantic_triangle", "C", "wing"),
        ],
        columns=["step", "date", "triad", "configuration", "actor", "role"],
    )
    assert narrate(None, None, tri, None, {"B": "Bee"}) == [
        "1969-02: In the A–Bee–C triangle, Bee becomes the pivot (friendly with two rivals)."
    ]


def test_five_actors_and_unknown_names_fall_back_to_ids():
    actors = ("A", "B", "C", "D", "E")
    rel = {p: [0.3, 0.3] for p in combinations(actors, 2)}
    rel[("A", "E")] = [0.5, -0.5]
    pairs = make_pairs(actors, n_steps=2, relations=rel)
    lines = narrate(pairs, None, None, None, {})
    assert lines == [
        "1969-02: A–E relation falls to -5.0 on the Goldstein scale (-10 hostile .. +10 "
        "cooperative), turning hostile."
    ]


@pytest.mark.parametrize("empty", [None, pd.DataFrame()])
def test_empty_inputs(empty):
    assert narrate(empty, empty, empty, empty, {}, empty) == []
    assert narrative_text([]) == ""


def test_events_only_when_no_other_table():
    events = make_events(
        [("a", "1969-03", "Clash.", "", True), ("b", "1969-01", "Talks", "X1", True)]
    )
    assert narrate(None, None, None, events, {}) == ["1969-01: Talks (X1).", "1969-03: Clash."]


def test_narrative_text_one_paragraph_per_month():
    text = narrative_text(EXPECTED)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0] == (
        "1969-03: Zhenbao Island clash (Patel2025). Soviet Union–PRC relation falls to -7.4 "
        "on the Goldstein scale (-10 hostile .. +10 cooperative). US secretly opens a channel "
        "to PRC."
    )
    assert paragraphs[2].startswith("1969-05: US–Soviet Union–PRC triangle shifts")


# ---------------------------------------------------------------------------
# a narrative a student can read
# ---------------------------------------------------------------------------


def channel_log(rows):
    return make_log([{"secret": True, **r} for r in rows])


def channel_pairs(engaged, public=None, n_steps=5):
    return make_pairs(
        ("US", "PRC"),
        n_steps=n_steps,
        relations={("US", "PRC"): [0.1] * n_steps},
        channels=engaged,
        public=public or {},
    )


def moves(*rows):
    """(step, actor, target, action) -> log rows with the synthetic tables' dates."""
    dates = ["1969-01", "1969-02", "1969-03", "1969-04", "1969-05"]
    return channel_log(
        [{"step": s, "date": dates[s], "actor": a, "target": t, "action": x} for s, a, t, x in rows]
    )


def test_no_repeated_non_events_in_channels():
    """A closing of a closed channel, an opening that changed nothing and a leak of a
    public channel are not told; what changed is, in words that say how."""
    pairs = channel_pairs(
        {("US", "PRC"): [0.0, 0.25, 0.5, 0.25, 0.0], ("PRC", "US"): [0.0] * 5},
        public={("US", "PRC"): [False, False, False, True, True]},
    )
    log = moves(
        (1, "US", "PRC", "open_channel"),  # 0 -> 0.25: opens
        (1, "PRC", "US", "close_channel"),  # already closed: a non-event
        (2, "US", "PRC", "open_channel"),  # 0.25 -> 0.5: deepens
        (2, "PRC", "US", "close_channel"),  # still closed: a non-event
        (3, "US", "PRC", "close_channel"),  # 0.5 -> 0.25: winds down
        (3, "PRC", "US", "leak_channel"),  # made public
        (4, "US", "PRC", "close_channel"),  # 0.25 -> 0: closes
        (4, "PRC", "US", "leak_channel"),  # already public: a non-event
    )
    assert narrate(pairs, log, None, None, NAMES) == [
        "1969-02: US secretly opens a channel to PRC.",
        "1969-03: US secretly deepens its channel to PRC.",
        "1969-04: US secretly winds down its channel to PRC.",
        "1969-04: PRC leaks the secret channel with US.",
        "1969-05: US secretly closes its channel to PRC.",
    ]
    # the lines agree with the data: each told move changed the actor's engagement
    closed_again = moves((2, "PRC", "US", "close_channel"), (3, "PRC", "US", "close_channel"))
    assert narrate(pairs, closed_again, None, None, NAMES) == []


def test_the_classroom_hides_every_wording_of_a_secret_move():
    """Without the pairs table (what the classroom filters with) every wording a move could
    take is returned, so a seat never sees a secret move in any wording."""
    log = moves((1, "US", "PRC", "open_channel"), (2, "US", "PRC", "close_channel"))
    texts = {text for _, _, text in _channel_items(log, NAMES, {})}
    assert texts == {
        "US secretly opens a channel to PRC.",
        "US secretly deepens its channel to PRC.",
        "US secretly closes its channel to PRC.",
        "US secretly winds down its channel to PRC.",
    }
    pairs = channel_pairs({("US", "PRC"): [0.0, 0.25, 0.25, 0.25, 0.25]})
    told = {line.partition(": ")[2] for line in narrate(pairs, log, None, None, NAMES)}
    assert told and told <= texts


def triangle_run(configs):
    """A three-actor triangle table following ``configs`` (configuration per month)."""
    roles = {
        "unit_veto": ("foe", "foe", "foe"),
        "stable_marriage": ("partner", "partner", "outcast"),
        "romantic_triangle": ("pivot", "wing", "wing"),
        "menage_a_trois": ("friend", "friend", "friend"),
    }
    rows = []
    for step, config in enumerate(configs):
        date = f"1969-{step + 1:02d}"
        for actor, role in zip("ABC", roles[config], strict=True):
            rows.append((step, date, "A-B-C", config, actor, role))
    return pd.DataFrame(rows, columns=["step", "date", "triad", "configuration", "actor", "role"])


def test_triangle_terms_come_after_plain_words_and_roles_are_glossed_once():
    tri = triangle_run(
        ["unit_veto", "stable_marriage", "romantic_triangle", "unit_veto", "romantic_triangle"]
    )
    lines = narrate(None, None, tri, None, {})
    text = " ".join(lines)
    for config, term in CONFIGURATION_TERMS.items():
        for at in [i for i in range(len(text)) if text.startswith(f"[{term}]", i)]:
            assert text[:at].endswith(CONFIGURATION_PLAIN[config] + " "), (term, text)
    assert "two partners against an outcast [stable marriage]" in lines[0]
    assert "all three hostile [unit veto]" in lines[0]
    # the pivot's gloss the first time only
    assert text.count(f"the pivot ({ROLE_GLOSS['pivot']})") == 1
    assert lines[1].endswith(f"A becomes the pivot ({ROLE_GLOSS['pivot']}).")
    assert lines[3].endswith("A becomes the pivot.")


def test_glosses_follow_the_order_the_student_reads():
    """The gloss goes to the first line printed, whatever rule produced the line."""
    pairs = make_pairs(
        ("US", "PRC"), n_steps=3, relations={("US", "PRC"): [0.5, -0.5, -0.1]}
    )  # crosses zero in 1969-02, rises 4.0 in 1969-03
    lines = narrate(pairs, None, None, None, NAMES)
    assert [line.count("(-10 hostile .. +10 cooperative)") for line in lines] == [1, 0]
