"""The four-power (n-power) Mesa model: one agent per actor, decisions each step.

A step reads like the theory::

    events fire -> every actor scores its moves by anticipation and draws one
    -> moves take effect together -> reciprocity, balance pressure, momentum
    -> trade follows -> factions respond -> record

Randomness: one seed gives a SeedSequence; it spawns the model's Generator
(handed to ``mesa.Model(rng=...)``) and one Generator per actor. Each actor
draws exactly one uniform per step, so runs with the same seed share their
random numbers across scenario variants (common random numbers).
"""

from __future__ import annotations

import functools

import mesa
import numpy as np

from sim.model import kernel, stepops
from sim.model.action import Step, shared_menu
from sim.model.agents import Power
from sim.model.decision import Anticipation, choice_probabilities
from sim.model.dynamics import public_relation, relax_trade, trade_potential
from sim.model.event import Event
from sim.model.faction import Factions
from sim.model.interest import Context, interests, utility
from sim.model.state import RECOGNITION_LEVELS, Layout
from sim.scenario import datasets
from sim.scenario.calendar import month_to_year, parse_month, step_dates
from sim.scenario.schema import RunConfig

REGIME_AFFINITY = {
    # Pairs of regime families and their affinity (free parameter: +1 like regimes,
    # -1 the Cold War's ideological opposites, 0 otherwise).
    frozenset(["communist"]): 1.0,
    frozenset(["liberal_democracy"]): 1.0,
    frozenset(["authoritarian"]): 1.0,
    frozenset(["communist", "liberal_democracy"]): -1.0,
    frozenset(["communist", "authoritarian_anticommunist"]): -1.0,
    frozenset(["authoritarian_anticommunist"]): 1.0,
    frozenset(["authoritarian_anticommunist", "liberal_democracy"]): 1.0,
    frozenset(["authoritarian", "liberal_democracy"]): -0.5,
}

PAIR_BLOCKS = ("stance", "channel", "controls", "trade")  # copied from a relation as stated
INITIAL_BLOCKS = (*PAIR_BLOCKS, "standing", "recognition", "commitment", "talks")


def affinity(a: str, b: str) -> float:
    return REGIME_AFFINITY.get(frozenset([a, b]), 0.0)


@functools.lru_cache(maxsize=4096)
def capability_shares(sources: tuple[tuple[float | None, int | None], ...], year: float):
    """CINC shares (n,) at ``year`` of actors given as (fixed capability or None, COW code)
    (cached: ensembles ask for the same years run after run)."""
    caps = np.array([c if c is not None else datasets.cinc(code, year) for c, code in sources])
    return caps / caps.sum()


@functools.lru_cache(maxsize=4096)
def positional_matrix(ccodes: tuple, year: float, floor: float) -> np.ndarray:
    n = len(ccodes)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = ccodes[i], ccodes[j]
            if i != j and a and b:
                p = datasets.parity(a, b, year)
                out[i, j] = min(max((p - floor) / max(0.8 - floor, 1e-9), 0.0), 1.0)
    return out


class CardModel(mesa.Model):
    """The card game among the scenario's actors."""

    def __init__(self, cfg: RunConfig, seed_sequence: np.random.SeedSequence | None = None):
        ss = seed_sequence or np.random.SeedSequence(cfg.seed)
        model_ss, *actor_ss = ss.spawn(1 + len(cfg.actors))
        super().__init__(rng=np.random.default_rng(model_ss))
        self.cfg = cfg
        mech = cfg.mechanics
        self.mech = mech
        self.ids = cfg.actor_ids
        self.index = {a: i for i, a in enumerate(self.ids)}
        n = len(self.ids)
        self.n = n
        self.layout = lay = Layout(n)
        self.lo, self.hi = lay.bounds()
        self.dates = step_dates(cfg.window.start, cfg.window.end, cfg.window.step_months)
        self.start_year = month_to_year(parse_month(cfg.window.start))

        self.rival = np.full(n, -1)
        for aid, a in cfg.actors.items():
            if a.claim is not None:
                self.rival[self.index[aid]] = self.index[a.claim.rival]
        self.affinity = np.array(
            [
                [
                    0.0 if i == j else affinity(cfg.actors[a].regime, cfg.actors[b].regime)
                    for j, b in enumerate(self.ids)
                ]
                for i, a in enumerate(self.ids)
            ]
        )
        self.factions = [Factions(cfg.actors[a]) for a in self.ids]
        self._ccodes = tuple(cfg.actors[a].ccode for a in self.ids)
        self._capability_sources = tuple(
            (cfg.actors[a].capability, cfg.actors[a].ccode) for a in self.ids
        )
        self.x = self._initial_state()
        self.x_prev = self.x.copy()
        self.relation0 = public_relation(self.x, lay, mech.channel_weight)
        self.stance0 = lay.view(self.x, "stance").copy()  # the structural level of each stance
        self.potential0 = lay.view(self.x, "trade") + lay.view(self.x, "indirect")
        self.growth = self._pair_matrix("trade_growth")
        self.leakage = self._pair_matrix("leakage")
        self.rivalry = self._pair_matrix("rivalry")
        for i, r in enumerate(self.rival):  # rival claimants contest the whole territory
            if r >= 0:
                v = max(self.rivalry[i, r], mech.claim_stakes)
                self.rivalry[i, r] = self.rivalry[r, i] = v
        self.rivalry0 = self.rivalry.copy()
        self.anchor = self.stance0  # where stances revert to (:meth:`restake`)
        self.coalition = np.zeros((n, n))  # 1: i's controls on j are a coalition measure
        self.commitment0 = lay.view(self.x, "commitment").copy()  # pledges one can renege on
        self.recognition0 = lay.view(self.x, "recognition").copy()
        self.trade_shock = np.ones((n, n))
        self.accord = np.zeros((n, n))  # trade agreements: persistent rise of the potential
        self.trade_ref = self.potential0.sum(1)
        self.casualties = np.zeros(n)
        self._observers = np.arange(n)
        self.menu = shared_menu(
            lay,
            self.rival,
            Step(
                mech.step,
                mech.escalation,
                mech.negotiation,
                mech.channel_step,
                mech.trade_step,
                mech.controls_step,
                mech.commitment_step,
                mech.alignment,
                mech.unilateral,
                mech.accord_cap > 0,
            ),
        )
        self.forbidden = self.menu.forbidden(
            [
                (self.index[a], item.split("@")[0], self.index.get(item.partition("@")[2]))
                for a in self.ids
                for item in cfg.actors[a].forbid
            ]
        )
        self.events = [Event(eid, ev) for eid, ev in cfg.events.items()]
        self.event_specs = dict(cfg.events)  # grows with control-cell injects
        self.temperature = mech.temperature
        for ev in self.events:
            ev.initialize(self)
        self.powers = [
            Power(self, aid, i, np.random.default_rng(s))
            for i, (aid, s) in enumerate(zip(self.ids, actor_ss, strict=True))
        ]
        self.t = 0
        self.log: list[tuple] = []  # (step, event id) of events that fired
        self.last_choice: list[tuple] = []  # (candidate row, probability) per actor
        self.ctx = self._context()
        self.fire_events()  # shocks dated at the window's start

    # --- set-up ------------------------------------------------------------------

    def _pair(self, i: str, j: str):
        return self.cfg.relations.get(i, {}).get(j)

    def _pair_matrix(self, field: str) -> np.ndarray:
        n = self.n
        m = np.zeros((n, n))
        for a, i in self.index.items():
            for b, j in self.index.items():
                p = self._pair(a, b)
                if p is not None and i != j:
                    m[i, j] = getattr(p, field)
        if field in ("trade_growth", "rivalry"):  # a pair's value: whichever side states it
            m = np.where(np.abs(m) >= np.abs(m.T), m, m.T)
        return m

    def _initial_state(self) -> np.ndarray:
        cfg, lay = self.cfg, self.layout
        x = np.zeros(lay.size)
        v = {b: lay.view(x, b) for b in INITIAL_BLOCKS}
        year = int(self.start_year)
        for a, i in self.index.items():
            v["standing"][i] = cfg.actors[a].standing
            for b, j in self.index.items():
                if i == j:
                    continue
                p = self._pair(a, b)
                v["recognition"][i, j] = RECOGNITION_LEVELS[p.recognition] if p else 2.0
                if p is None:
                    continue
                for block in PAIR_BLOCKS:
                    v[block][i, j] = getattr(p, block)
                if p.commitment == "cow":
                    c1, c2 = cfg.actors[a].ccode, cfg.actors[b].ccode
                    com = datasets.alliance_commitment(c1, c2, year) if c1 and c2 else 0.0
                else:
                    com = p.commitment
                v["commitment"][i, j] = com
                if p.talks:  # a track either side states is open to both
                    v["talks"][i, j] = v["talks"][j, i] = 1.0
        T = v["trade"]
        T[...] = np.maximum(T, T.T)  # turnover: whichever side states it
        np.clip(x, self.lo, self.hi, out=x)
        return x

    def capability(self) -> np.ndarray:
        """CINC shares among the actors at the current step (COW NMC v6.0)."""
        year = self.start_year + self.t * self.cfg.window.step_months / 12.0
        return capability_shares(self._capability_sources, year).copy()

    def positional(self) -> np.ndarray:
        """Positional rivalry (n, n) at the current step: major powers near economic parity
        (power transition, Organski & Kugler 1980): 0 below ``parity_floor``, rising to 1 at
        the 80% parity threshold, times the ``positional`` weight."""
        year = self.start_year + self.t * self.cfg.window.step_months / 12.0
        return positional_matrix(self._ccodes, round(year, 4), self.mech.parity_floor) * (
            self.mech.positional
        )

    def _context(self) -> Context:
        m = self.mech
        return Context(
            layout=self.layout,
            capability=self.capability(),
            trade_ref=self.trade_ref,
            rival=self.rival,
            affinity=self.affinity,
            weights=np.array([f.effective_weights() for f in self.factions]),
            collusion=m.collusion,
            channel_weight=m.channel_weight,
            indirect_value=m.indirect_value,
            rival_warmth_cost=m.rival_warmth_cost,
            channel_cost=m.channel_cost,
            exposure=m.exposure,
            stakes=m.stakes,
            rivalry=self.rivalry,
            commitment0=self.commitment0,
            recognition0=self.recognition0,
            retaliation=m.retaliation,
            reneging=m.reneging,
            solidarity=m.solidarity,
            coalition=self.coalition,
            positional=self.positional(),
            support_gain=m.support_gain,
        )

    def refresh_context(self) -> None:
        """After a change the utility context reads (coalitions, weights): rebuild it."""
        self.ctx = self._context()

    def restake(self) -> None:
        """After the stakes between two actors change: the utility context, and the level
        their stances revert to. New territorial stakes lower that level by ``stakes``
        times the change (the cost the stakes put on warming), so a relation a new dispute
        has soured does not drift back to where it stood before the dispute."""
        self.anchor = np.clip(
            self.stance0 - self.mech.stakes * (self.rivalry - self.rivalry0), -1.0, 1.0
        )
        self.ctx = self._context()

    # --- one step ------------------------------------------------------------------

    def anticipation(self) -> Anticipation:
        vals, avail = self.menu.deltas(self.x, self.rivalry, self.coalition)
        avail &= ~self.forbidden
        if self.mech.accord_cap > 0:  # an agreement can be deepened up to its cap
            e = self.menu.expand
            avail[e] &= self.accord[self.menu.actor_arr[e], self.menu.target_arr[e]] < (
                self.mech.accord_cap - 1e-12
            )
        m = self.mech
        return Anticipation(
            ctx=self.ctx,
            menu=self.menu,
            values=vals,
            avail=avail,
            lo=self.lo,
            hi=self.hi,
            reciprocity=m.reciprocity,
            balance=m.balance_pressure,
            temperature=self.temperature,
        )

    def fire_events(self) -> None:
        for ev in self.events:
            if ev.active and ev.step == self.t:
                ev.apply(self)
                self.log.append((self.t, ev.id))

    def step(self) -> None:
        """Advance one step: the next date's events, then every actor's move."""
        self.begin_turn()
        self.resolve_turn()

    def begin_turn(self) -> None:
        """Open the next step: its date's events fire; actors have not moved yet."""
        self.t += 1
        self.ctx = self._context()
        self._x_turn = self.x.copy()  # third parties react to shocks and moves alike
        self.fire_events()

    def options(self, actor: str) -> list[dict]:
        """The moves open to ``actor`` now, with the value the decision rule gives each
        (expected utility after the others' likely replies) and its logit probability.
        """
        ant = self.anticipation()
        rows, vals, p = choice_probabilities(ant, self.x, self.mech.depth)[self.index[actor]]
        out = []
        for row, v, q in zip(rows, vals, p, strict=True):
            kind, _, tgt = self.menu.label(int(row))
            out.append(
                {
                    "row": int(row),
                    "action": kind,
                    "target": "" if kind == "hold" else self.ids[tgt],
                    "secret": bool(self.menu.secret[row]),
                    "value": float(v),
                    "probability": float(q),
                }
            )
        return out

    def resolve_turn(self, choices: dict[str, int] | None = None) -> None:
        """Every actor moves (``choices`` maps actor ids to menu rows chosen by people;
        the others draw from the decision rule), then the relations react."""
        choices = choices or {}
        x_before = self._x_turn
        ant = self.anticipation()
        policy = self.mech.policy
        if policy == "model":
            probs = choice_probabilities(ant, self.x, self.mech.depth)
        else:
            probs = []
            for i in range(self.n):
                rows = self.menu.by_actor[i][ant.avail[self.menu.by_actor[i]]]
                p = np.zeros(len(rows))
                if policy == "hold":
                    p[0] = 1.0
                else:
                    p[:] = 1.0 / len(rows)
                probs.append((rows, p, p))
        self.last_choice = []
        for power in self.powers:
            rows, vals, p = probs[power.idx]
            k = power.draw(p)  # drawn even when overruled: keeps the random stream
            if power.actor_id in choices:
                c = int(choices[power.actor_id])
                if c not in set(rows.tolist()):
                    raise ValueError(f"move {c} is not open to {power.actor_id} now")
                k = int(np.searchsorted(rows, c))
            self.last_choice.append((int(rows[k]), float(p[k])))
        x = self.x.copy()
        moves = np.array([c for c, _ in self.last_choice], dtype=np.int64)
        stepops.apply_moves(
            x, moves, self.menu.d_idx, self.menu.d_cnt, ant.values, self.lo, self.hi
        )
        kernel.react_rows(x[None, :], x_before[None, :], self.n, ant.scalars(), ant.ctx.arrays())
        m = self.mech  # momentum, and stationarity around the structural level:
        stepops.carry_stances(
            x, self.x, self.x_prev, self.anchor, self.n, m.momentum, m.reversion, self.lo, self.hi
        )
        if m.accord_cap > 0:
            for i, (c, _) in enumerate(self.last_choice):
                if self.menu.kind[c] == 8:  # expand_trade: the agreement persists
                    j = self.menu.target[c]
                    v = min(m.accord_cap, self.accord[i, j] + m.trade_step)
                    self.accord[i, j] = self.accord[j, i] = v
        years = self.t * self.cfg.window.step_months / 12.0
        base = self.potential0 * (1.0 + self.growth) ** years * self.trade_shock
        base = base * (1.0 + self.accord)
        rel = public_relation(x, self.layout, m.channel_weight)
        potential = trade_potential(base, rel, self.relation0, m.trade_elasticity)
        relax_trade(x, self.layout, potential, self.leakage, m.trade_adjustment)
        self.x_prev = x_before
        self.x = x
        self._update_factions(x_before, rel)  # trade moved since rel; the relation did not
        if self.t >= len(self.dates) - 1:
            self.running = False

    # --- the control cell (classroom) --------------------------------------------------

    def inject(self, event_id: str, spec: dict) -> None:
        """Apply an event now (a control-cell inject); ``spec`` is an event mapping as in a
        scenario file, its date set to the current step. Raises ConfigError if invalid."""
        from sim.scenario.errors import ConfigError
        from sim.scenario.schema import Event as EventSpec
        from sim.scenario.schema import validate

        if event_id in self.event_specs:
            raise ConfigError(f"events.{event_id}", event_id, "an event id not used yet")
        data = {**spec, "date": self.dates[self.t]}
        raw = self.cfg.model_dump(mode="json", by_alias=True)
        raw["events"] = {**raw["events"], event_id: data}
        checked = validate(raw)  # cross-checks actors, factions, the window
        ev = Event(event_id, EventSpec.model_validate(checked.events[event_id].model_dump()))
        ev.initialize(self)
        self.event_specs[event_id] = ev.spec
        self.events.append(ev)
        ev.apply(self)
        self.log.append((self.t, event_id))

    def set_weights(self, actor: str, weights: dict[str, float]) -> None:
        """Change an actor's interest weights mid-run (values in [0, 1])."""
        from sim.scenario.schema import PartialWeights

        PartialWeights.model_validate(weights)
        self.factions[self.index[actor]].set_base(weights)
        self.ctx = self._context()

    def set_influence(self, actor: str, faction: str, influence: float) -> None:
        """Set one faction's influence (the others keep their proportions)."""
        self.factions[self.index[actor]].set_influence(faction, influence)
        self.ctx = self._context()

    def forbid(self, actor: str, move: str, target: str | None = None) -> None:
        """Take a move away from an actor from now on (optionally toward one target): the
        counterfactual lever of ``actors.<id>.forbid``, for the control cell."""
        from sim.scenario.errors import ConfigError
        from sim.scenario.schema import MOVES

        if actor not in self.index:
            raise ConfigError("actor", actor, "valid: " + ", ".join(self.ids))
        if move not in MOVES[1:]:
            raise ConfigError("move", move, "valid: " + ", ".join(MOVES[1:]))
        if target is not None and target not in self.index:
            raise ConfigError("target", target, "valid: " + ", ".join(self.ids))
        rule = (self.index[actor], move, None if target is None else self.index[target])
        self.forbidden = self.forbidden | self.menu.forbidden([rule])

    def set_temperature(self, temperature: float) -> None:
        """Change the decision noise mid-run."""
        if not 0 < temperature <= 10:
            from sim.scenario.errors import ConfigError

            raise ConfigError("mechanics.temperature", temperature, "must be > 0 and <= 10")
        self.temperature = float(temperature)

    def signals(self, x_before: np.ndarray, r_now: np.ndarray | None = None) -> np.ndarray:
        """Domestic signals (n, 5): casualties, threat, detente, talks, sanctions.

        ``r_now``: the public relation of the current state, if already computed."""
        if r_now is None:
            r_now = public_relation(self.x, self.layout, self.mech.channel_weight)
        return stepops.domestic_signals(
            self.x, x_before, r_now, self.ctx.capability, self.mech.channel_weight, self.casualties
        )

    def _update_factions(self, x_before: np.ndarray, r_now: np.ndarray | None = None) -> None:
        sig = self.signals(x_before, r_now)
        for i, f in enumerate(self.factions):
            f.update(sig[i], self.mech.influence_rate, self.mech.influence_memory)
        self.casualties *= self.mech.influence_memory

    # --- observation -----------------------------------------------------------------

    def utilities(self) -> np.ndarray:
        """Every actor's utility (n,) in the current state, as the decision kernel scores it."""
        return utility(*self._observed(), self.ctx)

    def interests(self) -> np.ndarray:
        """Interest values (n, 5) of every actor in the current state."""
        return interests(*self._observed(), self.ctx)

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        """The current state once per actor (n, size), and the actor observing each row."""
        rows = np.empty((self.n, self.x.size))
        rows[...] = self.x
        return rows, self._observers
