"""Moves in plain words: what a move would do (the classroom's menu, the debrief's
advice) and what an actor did (the classroom's turn log)."""

from __future__ import annotations

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
