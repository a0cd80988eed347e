"""The theory in plain words: what a move would do (the classroom's menu, the debrief's
advice), what an actor did (the classroom's turn log), and the strategic triangle's
configurations and roles (Dittmer 1981; Wu 1996) as a student reads them: plain words
first, the term in brackets."""

from __future__ import annotations

import re

from sim.model.action import KINDS

ACTION_WORDS: dict[str, str] = {
    "hold": "Hold: make no move this month",
    "warm": "Warm toward {t}",
    "cool": "Cool toward {t}",
    "escalate": "Escalate against {t}",
    "negotiate": "Negotiate with {t}",
    "open_channel": "Open or deepen a secret channel to {t}",
    "close_channel": "Wind down the secret channel to {t}",
    "leak_channel": "Leak the secret channel with {t}",
    "expand_trade": "Expand trade with {t}",
    "restrict_exports": "Restrict exports to {t}",
    "ease_controls": "Ease export controls on {t}",
    "reaffirm_one_china": "Reaffirm One China: side with {t}",
    "upgrade_unofficial": "Open unofficial relations with {t}",
    "recognise": "Recognise {t} formally",
    "derecognise": "Downgrade recognition of {t}",
    "raise_commitment": "Raise the security commitment to {t}",
    "cut_commitment": "Cut the security commitment to {t}",
}

PAST_WORDS: dict[str, str] = {
    "hold": "holds",
    "warm": "warms toward {t}",
    "cool": "cools toward {t}",
    "escalate": "escalates against {t}",
    "negotiate": "negotiates with {t}",
    "open_channel": "secretly opens a channel to {t}",
    "close_channel": "secretly winds down its channel to {t}",
    "leak_channel": "leaks its secret channel with {t}",
    "expand_trade": "expands trade with {t}",
    "restrict_exports": "restricts exports to {t}",
    "ease_controls": "eases export controls on {t}",
    "reaffirm_one_china": "reaffirms One China, siding with {t}",
    "upgrade_unofficial": "opens unofficial relations with {t}",
    "recognise": "recognises {t}",
    "derecognise": "downgrades its recognition of {t}",
    "raise_commitment": "raises its security commitment to {t}",
    "cut_commitment": "cuts its security commitment to {t}",
}


def action_text(action: str, target: str, names: dict[str, str]) -> str:
    text = ACTION_WORDS.get(action, action.replace("_", " ") + " {t}")
    out = text.format(t=names.get(target, target)).strip()
    return out + (" (secret)" if KINDS.get(action, ("", False))[1] else "")


def move_text(actor: str, action: str, target: str, names: dict[str, str]) -> str:
    text = PAST_WORDS.get(action, action.replace("_", " ") + " {t}")
    return f"{names.get(actor, actor)} " + text.format(t=names.get(target, target)).strip()


# --- strategic triangles ---------------------------------------------------------------------

#: The configurations' names in the literature.
CONFIGURATION_TERMS: dict[str, str] = {
    "menage_a_trois": "ménage à trois",
    "romantic_triangle": "romantic triangle",
    "stable_marriage": "stable marriage",
    "unit_veto": "unit veto",
}
#: The configurations in plain words (which relations are friendly).
CONFIGURATION_PLAIN: dict[str, str] = {
    "menage_a_trois": "all three on good terms",
    "romantic_triangle": "one pivot courted by two rivals",
    "stable_marriage": "two partners against an outcast",
    "unit_veto": "all three hostile",
}
#: What each role means, in a few words.
ROLE_GLOSS: dict[str, str] = {
    "pivot": "friendly with two rivals",
    "wing": "courts the pivot",
    "partner": "sides with one against the third",
    "outcast": "facing two partners",
    "friend": "all three on good terms",
    "foe": "all three hostile",
}


def configuration_text(config: str) -> str:
    """Plain words first, the term in brackets: "two partners against an outcast [stable
    marriage]"."""
    term = CONFIGURATION_TERMS.get(config, str(config).replace("_", " "))
    plain = CONFIGURATION_PLAIN.get(config)
    return f"{plain} [{term}]" if plain else term


def role_text(role: str) -> str:
    """A role with its gloss: "pivot (friendly with two rivals)"."""
    gloss = ROLE_GLOSS.get(role)
    return f"{role} ({gloss})" if gloss else str(role)


# --- glosses: a term explained the first time a text uses it ----------------------------------

GLOSSES: dict[str, str] = {
    "goldstein": " (-10 hostile .. +10 cooperative)",
    **{f"role:{r}": f" ({g})" for r, g in ROLE_GLOSS.items()},
}
_MARK = re.compile("\x1f([^\x1f]+)\x1f")


def gloss_mark(key: str) -> str:
    """A place for the gloss of ``key`` (see :data:`GLOSSES`) in a sentence."""
    return f"\x1f{key}\x1f"


def fill_glosses(texts: list[str]) -> list[str]:
    """Fill each :func:`gloss_mark` the first time its key appears in ``texts`` (in order);
    later ones are removed."""
    seen: set[str] = set()

    def fill(m: re.Match) -> str:
        key = m.group(1)
        if key in seen:
            return ""
        seen.add(key)
        return GLOSSES.get(key, "")

    return [_MARK.sub(fill, t) for t in texts]
