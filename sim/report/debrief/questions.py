"""Discussion questions drawn from the sources' causal claims, with what the run shows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.report.debrief.common import fmt_g, has, pairs_of, rel, step_of


def _moves(tables: dict, actor: str | None = None, action: str | None = None) -> pd.DataFrame:
    log = tables["log"]
    m = log[log["kind"] == "move"]
    if actor:
        m = m[m["actor"] == actor]
    if action:
        m = m[m["action"] == action]
    return m


def questions_section(res, tables: dict) -> list[dict]:
    from sim.model.dynamics import working_channel
    from sim.model.interest import INTEREST_NAMES
    from sim.model.model import affinity
    from sim.report.history import SOURCES, cite, claims_for

    cfg = res.cfg
    names = res.names
    ids = res.ids
    ix = {a: i for i, a in enumerate(ids)}
    N = names.get
    out = []
    for c in claims_for(cfg.window.start, cfg.window.end, ids):
        obs, q = "", ""
        if c.number == 1:
            like, unlike = [], []
            for a, b in pairs_of(ids):
                aff = affinity(cfg.actors[a].regime, cfg.actors[b].regime)
                r = rel(res, a, b)[-1]
                if aff > 0 and r < -1:
                    like.append(f"{N(a)}–{N(b)} ({fmt_g(r)})")
                if aff < 0 and r > 1:
                    unlike.append(f"{N(a)}–{N(b)} ({fmt_g(r)})")
            share = [f"{N(a)} {cfg.actors[a].weights.ideology:.2f}" for a in ids]
            obs = "Ideology weights: " + ", ".join(share) + ". "
            if like:
                obs += "Like regimes ending at odds: " + ", ".join(like) + ". "
            if unlike:
                obs += "Unlike regimes ending on good terms: " + ", ".join(unlike) + ". "
            q = (
                "Pick one turning point of your run. Which interest drove it: security, "
                "leverage, economy, sovereignty or ideology? Would doubling the ideology "
                "weights have changed it?"
            )
        elif c.number == 2:
            cap = res.capability.mean(0)
            order = [ids[i] for i in np.argsort(cap)]
            if len(order) >= 4:
                small, big = order[:2], order[-2:]
                parts = []
                for s in small:
                    lev = res.interests[:, ix[s], INTEREST_NAMES.index("leverage")]
                    rels = ", ".join(
                        f"{N(s)}–{N(b)} {fmt_g(rel(res, s, b)[0])} to {fmt_g(rel(res, s, b)[-1])}"
                        for b in big
                    )
                    parts.append(f"{N(s)}: leverage {lev[0]:+.2f} to {lev[-1]:+.2f} ({rels})")
                obs = "; ".join(parts) + "."
                q = (
                    f"Did {N(small[0])} or {N(small[1])} gain room by playing {N(big[0])} "
                    f"and {N(big[1])} against each other? Which moves did it, and what did "
                    "the stronger powers do in reply?"
                )
            else:
                q = "Did the weaker actors gain room by playing the stronger ones off?"
        elif c.number == 3 and has(res, "USSR", "ROC", "PRC"):
            ch = working_channel(res.states, res.layout)[:, ix["USSR"], ix["ROC"]]
            peak = int(np.argmax(ch))
            low = int(np.argmin(rel(res, "USSR", "PRC")))
            talks = _talks_date(res, "USSR", "PRC")
            obs = (
                f"The USSR–ROC secret channel peaked at {ch[peak]:.2f} in {res.dates[peak]} "
                f"and ended at {ch[-1]:.2f}; the USSR–PRC relation hit its low "
                f"({fmt_g(rel(res, 'USSR', 'PRC')[low])}) in {res.dates[low]}"
            )
            obs += f"; talks opened in {talks}." if talks else "; no talks opened in the run."
            q = (
                "Did the secret Soviet channel to Taipei rise with the Sino-Soviet conflict and "
                "close once talks began? If your run differs, which moves or injects kept the "
                "channel alive or shut it early?"
            )
        elif c.number == 4 and has(res, "US", "PRC"):
            leaks = _moves(tables, action="leak_channel")
            leaks = leaks[leaks["actor"].isin([a for a in ("USSR", "ROC") if a in ids])]
            r = rel(res, "US", "PRC")
            if len(leaks):
                d0 = str(leaks["date"].iloc[0])
                k0 = step_of(res, d0)
                who = ", ".join(N(a) for a in dict.fromkeys(leaks["actor"]))
                obs = (
                    f"{len(leaks)} leak(s) by {who}, the first in {d0}; US–PRC stood at "
                    f"{fmt_g(r[k0])} then and {fmt_g(r[-1])} at the end (it began at {fmt_g(r[0])})."
                )
            else:
                obs = f"No channel was leaked; US–PRC went from {fmt_g(r[0])} to {fmt_g(r[-1])}."
            q = (
                "When a secret channel was leaked (or could have been), who was the message "
                "for, and did it pay? Did it pull the US and PRC closer instead?"
            )
        elif c.number == 5 and has(res, "USSR", "PRC", "ROC"):
            n1 = len(_moves(tables, "USSR", "reaffirm_one_china"))
            S = res.block("stance")
            obs = (
                f"The USSR reaffirmed One China {n1} time(s); its stance toward the ROC went "
                f"from {S[0, ix['USSR'], ix['ROC']]:+.2f} to {S[-1, ix['USSR'], ix['ROC']]:+.2f}"
                f", USSR–PRC from {fmt_g(rel(res, 'USSR', 'PRC')[0])} to "
                f"{fmt_g(rel(res, 'USSR', 'PRC')[-1])}."
            )
            q = (
                "What did Moscow stand to gain from Taipei, and what from Beijing, in your run? "
                "At what point, if any, did mending fences with Beijing pay better?"
            )
        elif c.number == 6 and has(res, "US", "PRC", "USSR"):
            us_moves = _moves(tables, "US")
            toward = us_moves[
                (us_moves["target"] == "PRC")
                & us_moves["action"].isin(
                    ["warm", "negotiate", "open_channel", "expand_trade", "ease_controls"]
                )
            ]
            sec = res.interests[:, ix["PRC"], INTEREST_NAMES.index("security")]
            obs = (
                f"The US made {len(toward)} friendly move(s) toward the PRC; US–PRC went from "
                f"{fmt_g(rel(res, 'US', 'PRC')[0])} to {fmt_g(rel(res, 'US', 'PRC')[-1])}; the "
                f"PRC's security interest from {sec[0]:+.2f} to {sec[-1]:+.2f}."
            )
            q = (
                "Was the PRC's move toward (or away from) the US driven by US moves or by its "
                "fear of the USSR? What would have happened had the US simply held?"
            )
        elif c.number == 7 and has(res, "USSR", "ROC"):
            T = res.block("trade")[:, ix["USSR"], ix["ROC"]]
            S = res.block("stance")[:, ix["USSR"], ix["ROC"]]
            obs = (
                f"{N('USSR')}–{N('ROC')} trade from {T[0]:.0f} to {T[-1]:.0f} US$ m; "
                f"{N('USSR')}'s stance toward the ROC from {S[0]:+.2f} to {S[-1]:+.2f}."
            )
            q = (
                f"Where did {N('USSR')}'s economic interest in Taipei end and its need for "
                "Beijing begin? Did ties deepen anywhere without crossing the One China line?"
            )
        elif c.number == 8 and has(res, "USSR", "ROC"):
            X = res.block("controls")[:, ix["ROC"], ix["USSR"]]
            T = res.block("trade")[:, ix["USSR"], ix["ROC"]]
            Ind = res.block("indirect")[:, ix["USSR"], ix["ROC"]]
            share = Ind[-1] / max(T[-1] + Ind[-1], 1e-9)
            obs = (
                f"ROC export controls on {N('USSR')} ended at {X[-1]:.2f}; "
                f"{share:.0%} of their trade ran through third countries at the end."
            )
            q = (
                "How much did the sanctions in your run bite, given the third-country routes? "
                "What would stronger enforcement have changed, and for whom?"
            )
        else:
            q = (
                "How does your run bear on this claim? Point to the months that support or "
                "contradict it."
            )
        out.append(
            {
                "claim": c.number,
                "claim_text": c.text,
                "citation": c.source,
                "reference": cite(c.source) or SOURCES.get(c.source, ""),
                "observation": obs.strip(),
                "question": q,
            }
        )
    return out


def _talks_date(res, a: str, b: str) -> str | None:
    from sim.scenario.schema import Talks

    for t, eid in res.fired:
        ev = res.event_specs[eid]
        for eff in ev.effects:
            if (
                isinstance(eff, Talks)
                and eff.open
                and {a, b} <= set(eff.actors)
                and t < len(res.dates)
            ):
                return res.dates[t]
    return None
