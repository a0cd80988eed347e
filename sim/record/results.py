"""What a run returns: raw arrays, and tidy tables built from them on demand.

Arrays keep ensembles fast (stylized facts read them directly); the tables
(:meth:`Results.tables`) are the tidy long format every output uses:

- ``pairs``: step, date, actor, target, stance, relation, goldstein, channel
  (working level), engagement (the actor's own), channel_public, recognition, commitment, trade, trade_indirect, controls;
- ``actors``: step, date, actor, utility, the five interests, capability;
- ``factions``: step, date, actor, faction, influence;
- ``log``: step, date, actor, target, action, cameo, goldstein, secret,
  probability, kind ("move" or "event"), event, citation;
- ``triangles``: step, date, triad, configuration, actor, role;
- ``events``: event, date, label, citation, enabled, kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.model.action import KIND_NAMES, KINDS
from sim.model.dynamics import public_relation, working_channel
from sim.model.interest import INTEREST_NAMES
from sim.model.state import RECOGNITION_NAMES, Layout
from sim.model.triangle import CONFIGURATIONS, ROLES, classify, triads
from sim.scenario import datasets
from sim.scenario.schema import RunConfig


@dataclass
class Results:
    """One run's record."""

    cfg: RunConfig
    ids: list[str]
    names: dict[str, str]
    dates: list[str]
    layout: Layout
    states: np.ndarray  # (steps, size)
    interests: np.ndarray  # (steps, n, 5)
    utility: np.ndarray  # (steps, n)
    capability: np.ndarray  # (steps, n)
    influence: dict[str, np.ndarray]  # actor -> (steps, factions)
    faction_names: dict[str, list[str]]
    moves: np.ndarray  # (steps, n, 3): kind index, target index, probability (step 0 empty)
    fired: list[tuple[int, str]] = field(default_factory=list)
    event_specs: dict = field(default_factory=dict)  # scenario events plus injects

    def __post_init__(self):
        if not self.event_specs:
            self.event_specs = dict(self.cfg.events)

    # --- arrays -----------------------------------------------------------------

    def block(self, name: str) -> np.ndarray:
        """A state block over time: (steps, n, n) or (steps, n)."""
        return self.layout.view(self.states, name)

    @cached_property
    def relation(self) -> np.ndarray:
        """Public symmetric relation (steps, n, n) in [-1, 1]."""
        return public_relation(self.states, self.layout, self.cfg.mechanics.channel_weight)

    @cached_property
    def triangle_codes(self) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]]:
        return {t: classify(self.relation, t) for t in triads(len(self.ids))}

    def triad_name(self, t: tuple[int, int, int]) -> str:
        return "-".join(self.ids[i] for i in t)

    # --- tables -------------------------------------------------------------------

    def tables(self) -> dict:
        """All tidy tables as pandas DataFrames."""
        return {
            "pairs": self.pairs(),
            "actors": self.actors(),
            "factions": self.factions(),
            "log": self.log(),
            "triangles": self.triangles(),
            "events": self.events(),
        }

    def pair_values(self) -> dict[str, np.ndarray]:
        """The pairs table's variables as arrays (steps, ordered pairs), pairs in the order
        of ``numpy.nonzero(~eye(n))``; recognition as its code (0 none, 1 unofficial,
        2 formal), channel_public as a bool. :meth:`pairs` is these with the keys."""
        n = len(self.ids)
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        rel = self.relation[:, ii, jj]
        return {
            "stance": self.block("stance")[:, ii, jj],
            "relation": rel,
            "goldstein": rel * 10.0,
            "channel": working_channel(self.states, self.layout)[:, ii, jj],
            "engagement": self.block("channel")[:, ii, jj],
            "channel_public": self.block("leaked")[:, ii, jj] > 0.5,
            "recognition": self.block("recognition")[:, ii, jj].round().astype(int),
            "commitment": self.block("commitment")[:, ii, jj],
            "trade": self.block("trade")[:, ii, jj],
            "trade_indirect": self.block("indirect")[:, ii, jj],
            "controls": self.block("controls")[:, ii, jj],
        }

    def pairs(self):
        import pandas as pd

        T, n = len(self.dates), len(self.ids)
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        steps = np.repeat(np.arange(T), len(ii))
        cols = {k: v.ravel() for k, v in self.pair_values().items()}
        cols["recognition"] = np.array([RECOGNITION_NAMES[k] for k in range(3)])[
            cols["recognition"]
        ]
        return pd.DataFrame(
            {
                "step": steps,
                "date": np.array(self.dates)[steps],
                "actor": np.array(self.ids)[np.tile(ii, T)],
                "target": np.array(self.ids)[np.tile(jj, T)],
                **cols,
            }
        )

    def actors(self):
        import pandas as pd

        T, n = len(self.dates), len(self.ids)
        steps = np.repeat(np.arange(T), n)
        cols = {
            "step": steps,
            "date": np.array(self.dates)[steps],
            "actor": np.tile(np.array(self.ids), T),
            "utility": self.utility.ravel(),
        }
        for k, name in enumerate(INTEREST_NAMES):
            cols[name] = self.interests[:, :, k].ravel()
        cols["capability"] = self.capability.ravel()
        return pd.DataFrame(cols)

    def factions(self):
        import pandas as pd

        rows = []
        for actor, infl in self.influence.items():
            for k, fname in enumerate(self.faction_names[actor]):
                for t in range(len(self.dates)):
                    rows.append((t, self.dates[t], actor, fname, float(infl[t, k])))
        return pd.DataFrame(rows, columns=["step", "date", "actor", "faction", "influence"])

    def log(self):
        import pandas as pd

        rows = []
        events = self.event_specs
        for t, eid in self.fired:
            ev = events[eid]
            actors = sorted(
                {
                    getattr(e, "actor", None) or (getattr(e, "actors", None) or [""])[0]
                    for e in ev.effects
                }
            )
            rows.append(
                (
                    t,
                    self.dates[t],
                    actors[0] if actors else "",
                    "",
                    ev.kind,
                    "",
                    np.nan,
                    False,
                    np.nan,
                    "event",
                    eid,
                    ev.citation,
                )
            )
        for t in range(1, len(self.dates)):
            for i, actor in enumerate(self.ids):
                kind, target, prob = self.moves[t, i]
                name = KIND_NAMES[int(kind)]
                code, secret, _ = KINDS[name]
                tgt = "" if name == "hold" else self.ids[int(target)]
                rows.append(
                    (
                        t,
                        self.dates[t],
                        actor,
                        tgt,
                        name,
                        code,
                        datasets.goldstein(code),
                        bool(secret),
                        float(prob),
                        "move",
                        "",
                        "",
                    )
                )
        df = pd.DataFrame(
            rows,
            columns=[
                "step",
                "date",
                "actor",
                "target",
                "action",
                "cameo",
                "goldstein",
                "secret",
                "probability",
                "kind",
                "event",
                "citation",
            ],
        )
        order = np.lexsort((df["kind"] != "event", df["step"].to_numpy()))
        return df.iloc[order].reset_index(drop=True)

    def triangles(self):
        import pandas as pd

        rows = []
        for t3, (config, role) in self.triangle_codes.items():
            name = self.triad_name(t3)
            for s in range(len(self.dates)):
                for k, a in enumerate(t3):
                    rows.append(
                        (
                            s,
                            self.dates[s],
                            name,
                            CONFIGURATIONS[config[s]],
                            self.ids[a],
                            ROLES[role[s, k]],
                        )
                    )
        return pd.DataFrame(
            rows, columns=["step", "date", "triad", "configuration", "actor", "role"]
        )

    def events(self):
        import pandas as pd

        rows = [
            (eid, ev.date, ev.label, ev.citation, ev.enabled and ev.scale > 0, ev.kind)
            for eid, ev in self.event_specs.items()
        ]
        return pd.DataFrame(rows, columns=["event", "date", "label", "citation", "enabled", "kind"])
