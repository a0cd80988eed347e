"""One colour and line style per actor and per pair, the same in every figure, the debrief
and the classroom: the single source of the project's colours.

Colours are the Okabe-Ito colour-blind-safe palette (Okabe and Ito 2008). Styles are keyed
by the scenario's actor order (``ids``, the order of the scenario file, which is also the
order of ``Results.ids`` and of the ``names`` mapping every figure takes):

- actor ``i`` gets colour ``ACTOR_COLOURS[i % 8]`` and marker ``MARKERS[i % 8]``; its line
  is solid, and dashed for actors 8..15 (then dash-dot, ...), so every actor of any
  scenario has a style of its own;
- pair ``k`` (pairs in scenario order: ``(ids[0], ids[1]), (ids[0], ids[2]), ...``) gets
  colour ``PAIR_COLOURS[k % 8]`` and dash ``PAIR_DASHES[k % 6]``: 24 pairs before a
  (colour, dash) repeats, and the dashes keep figures readable in greyscale.

Figures colour a line by the actor it is about (a stance *toward* the USSR is drawn in the
USSR's colour) or by the pair. :func:`classroom_styles` gives the same styles as plain JSON
(hex colours, SVG dash arrays) for the classroom's browser code.

No matplotlib, no pandas: importing this module draws nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "OKABE_ITO",
    "ACTOR_COLOURS",
    "PAIR_COLOURS",
    "LINE_COLOURS",
    "LINE_STYLES",
    "PAIR_DASHES",
    "ACTOR_DASHES",
    "MARKERS",
    "ROLE_COLOURS",
    "ROLE_HATCHES",
    "ROLE_ORDER",
    "INTEREST_STYLES",
    "EVENT_COLOUR",
    "INJECT_COLOUR",
    "actor_style",
    "actor_styles",
    "scenario_pairs",
    "pair_styles",
    "svg_dash",
    "classroom_styles",
]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}


def _colours(*keys: str) -> tuple[str, ...]:
    return tuple(OKABE_ITO[k] for k in keys)


#: Actor colours in scenario order (in the shipped scenarios: USSR, PRC, ROC, US), the
#: strongest first and yellow (weak on white) last.
ACTOR_COLOURS: tuple[str, ...] = _colours(
    "vermillion", "bluish_green", "reddish_purple", "blue", "orange", "sky_blue", "black", "yellow"
)
#: Pair colours in the order of :func:`scenario_pairs` (yellow last).
PAIR_COLOURS: tuple[str, ...] = _colours(
    "blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue", "black", "yellow"
)
LINE_COLOURS = PAIR_COLOURS  # the name the studies' figures import
#: Matplotlib line styles of the pairs, cycled alongside the colours.
PAIR_DASHES: tuple = ("-", "--", "-.", (0, (1, 1)), (0, (6, 1.5)), (0, (3, 1, 1, 1, 1, 1)))
LINE_STYLES = PAIR_DASHES
#: Actor line styles, one per block of eight actors (so colour + dash never repeat).
ACTOR_DASHES: tuple = ("-", "--", "-.", (0, (6, 1.5)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Role colours and hatches (hatches for greyscale) in the triangle-roles figure.
ROLE_COLOURS: dict[str, str] = {
    "pivot": OKABE_ITO["vermillion"],
    "wing": OKABE_ITO["sky_blue"],
    "partner": OKABE_ITO["bluish_green"],
    "outcast": OKABE_ITO["reddish_purple"],
    "friend": OKABE_ITO["blue"],
    "foe": OKABE_ITO["orange"],
}
ROLE_HATCHES: dict[str, str] = {
    "pivot": "",
    "wing": "//",
    "partner": "",
    "outcast": "xx",
    "friend": "..",
    "foe": "\\\\",
}
ROLE_ORDER: tuple[str, ...] = tuple(ROLE_COLOURS)

#: The interests (and total utility) in the utilities figure: colour, dash, width.
INTEREST_STYLES: dict[str, tuple[str, object, float]] = {
    "security": (OKABE_ITO["blue"], "-", 1.4),
    "economy": (OKABE_ITO["vermillion"], "--", 1.4),
    "sovereignty": (OKABE_ITO["bluish_green"], "-.", 1.4),
    "ideology": (OKABE_ITO["reddish_purple"], (0, (1, 1)), 1.6),
    "leverage": (OKABE_ITO["orange"], (0, (6, 1.5)), 1.4),
    "utility": (OKABE_ITO["black"], "-", 2.4),
}

EVENT_COLOUR = "#595959"  # scenario events: dark grey dashed verticals
INJECT_COLOUR = OKABE_ITO["vermillion"]  # the classroom's injects


def actor_style(index: int) -> dict:
    """The style of the actor at position ``index`` of the scenario's actor list."""
    return {
        "color": ACTOR_COLOURS[index % len(ACTOR_COLOURS)],
        "linestyle": ACTOR_DASHES[(index // len(ACTOR_COLOURS)) % len(ACTOR_DASHES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def actor_styles(ids: Iterable[str]) -> dict[str, dict]:
    """``{actor id: {"color", "linestyle", "marker"}}`` for actors in scenario order."""
    return {a: actor_style(i) for i, a in enumerate(dict.fromkeys(ids))}


def scenario_pairs(ids: Sequence[str]) -> list[tuple[str, str]]:
    """The unordered pairs of ``ids`` in scenario order: (0, 1), (0, 2), ..., (1, 2), ..."""
    ids = list(dict.fromkeys(ids))
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


def pair_styles(pairs: Iterable[tuple[str, str]]) -> dict[frozenset, dict]:
    """``{frozenset({a, b}): {"color", "linestyle"}}`` for pairs in the order given.

    Pass :func:`scenario_pairs` of the scenario's actor ids, so that a pair keeps its style
    whichever pairs a figure shows.
    """
    keys = list(dict.fromkeys(frozenset(p) for p in pairs))
    return {
        k: {
            "color": PAIR_COLOURS[i % len(PAIR_COLOURS)],
            "linestyle": PAIR_DASHES[i % len(PAIR_DASHES)],
        }
        for i, k in enumerate(keys)
    }


def svg_dash(linestyle, width: float = 1.0) -> str:
    """A matplotlib line style as an SVG ``stroke-dasharray`` ("" for solid)."""
    named = {"-": "", "solid": "", "--": "7 4", "-.": "8 3 2 3", ":": "2 2"}
    if isinstance(linestyle, str):
        return named[linestyle]
    _offset, seq = linestyle
    return " ".join(f"{2 * x * width:g}" for x in seq)


def classroom_styles(ids: Sequence[str]) -> dict:
    """The figures' styles as plain JSON for the classroom's browser code.

    ``{"actors": {id: {"color", "dash", "marker"}}, "pairs": {"A|B": {"color", "dash"}},
    "roles": {role: color}, "event": color, "inject": color}``, pairs keyed ``a|b`` in
    scenario order; ``dash`` is an SVG ``stroke-dasharray``.
    """
    actors = {
        a: {"color": s["color"], "dash": svg_dash(s["linestyle"]), "marker": s["marker"]}
        for a, s in actor_styles(ids).items()
    }
    styles = pair_styles(scenario_pairs(ids))
    pairs = {}
    for a, b in scenario_pairs(ids):
        s = styles[frozenset((a, b))]
        pairs[f"{a}|{b}"] = {"color": s["color"], "dash": svg_dash(s["linestyle"])}
    return {
        "actors": actors,
        "pairs": pairs,
        "roles": dict(ROLE_COLOURS),
        "event": EVENT_COLOUR,
        "inject": INJECT_COLOUR,
    }
