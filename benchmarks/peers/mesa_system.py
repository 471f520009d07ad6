"""The international system as a Mesa 3 model written for speed (a benchmark peer).

``Power`` agents carry their capability and whether they are alive; the
``InternationalSystem`` model advances one year per ``step()`` with the same
rules as ``security_regimes.simulate``, written one power and one pair at a
time in plain Python (the year's phases of ``tests/system/reference.py``),
and a ``DataCollector`` records wars, survival, cooperation (the share of
directed pairs restraining) and every power's capability each year, as a
Mesa user would.

Written as a competent Mesa user would write it, not as the tests' oracle:

* **bulk draws**: the run's uniforms are drawn in one call when the model is
  built (the same counter-based draws as ``simulate``, so the same seeds give
  the same histories), not in small calls every year;
* **punishers once a year in O(N^2)**: the capability of ``i``'s punishers
  that would join a war against ``j`` is a row sum less the part allied with
  ``j`` (per-alliance sums), not a fresh sum over all ``q`` for every pair
  (the oracle's O(N^3) form stays in ``tests/``).

Outcomes agree with ``simulate`` on the same seeds (``bench_peers.py``
checks it: wars, survival and cooperation), so the timing compares like
with like.  No regime (the benchmark's configuration); a regime is refused.
"""

from __future__ import annotations

import mesa
import numpy as np
from tests.system.reference import YEAR, allied, ref_punishers, ref_step

from security_regimes.engine.rng import spawn_keys, uniforms
from security_regimes.system.layout import DRAW_BLOCKS, draw_layout, draws_per_year
from security_regimes.system.model import Dyadic, initial_state

STATE_KEYS = ("cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile",
              "fallen")


def punishers(w, cfg, u):
    """As ``ref_punishers`` (q punishes i if it remembers i's attack or saw it
    expand and defects toward it), with ``punish[i, j]`` computed in O(N^2):
    the capability of i's punishers outside i's alliance, less those that are
    ``j`` or in ``j``'s alliance."""
    if cfg.regime is not None:
        raise ValueError("the benchmark peer runs without a regime")
    n, cap, alive, bloc = len(w["cap"]), w["cap"], w["alive"], w["bloc"]
    reach = cfg.system.reach()[0]
    grievance, seen, reply = w["grievance"], w["seen_hostile"], w["reply"]
    punisher = set()
    punish = {}
    for i in range(n):
        total, by_bloc, mine = 0.0, {}, {}
        if alive[i]:
            for q in range(n):
                if (q != i and alive[q] and reach[q][i] > 0
                        and (grievance[q][i] > 0 or seen[q][i]) and not reply[q, i]):
                    punisher.add((q, i))
                    if not allied(w, i, q):
                        total += cap[q]
                        mine[q] = cap[q]
                        if bloc[q]:
                            by_bloc[bloc[q]] = by_bloc.get(bloc[q], 0.0) + cap[q]
        for j in range(n):
            if i == j or reach[i][j] <= 0:
                punish[i, j] = 0.0
            elif bloc[j]:
                punish[i, j] = total - by_bloc.get(bloc[j], 0.0)
            else:
                punish[i, j] = total - mine.get(j, 0.0)
    w["punisher"], w["punish"] = punisher, punish


#: The year with the O(N^2) punishers in place of the oracle's.
PEER_YEAR = tuple(punishers if phase is ref_punishers else phase for phase in YEAR)


class BulkDraws:
    """Every uniform of one run, drawn in one call: year ``y``'s blocks by name."""

    def __init__(self, seed, index: int, years: int, n: int):
        keys = spawn_keys(seed, np.array([index]))
        per_year = draws_per_year(n)
        counters = np.arange(years * per_year, dtype=np.uint64)
        self.u = uniforms(keys[:, None], counters[None, :])[0].reshape(years, per_year)
        self.blocks = [(name, *draw_layout(n)[name]) for name, _ in DRAW_BLOCKS]

    def year(self, y: int) -> dict:
        row = self.u[y]
        out = {name: row[off:off + int(np.prod(shape))].reshape(shape).tolist()
               for name, off, shape in self.blocks}
        out["year"] = y
        return out


class Power(mesa.Agent):
    """A great power: its index in the system, capability and survival."""

    def __init__(self, model: InternationalSystem, index: int, name: str):
        super().__init__(model)
        self.index, self.name = index, name

    @property
    def capability(self) -> float:
        return self.model.state["cap"][self.index]

    @property
    def alive(self) -> bool:
        return self.model.state["alive"][self.index]


class InternationalSystem(mesa.Model):
    """One system of ``system.n_powers`` powers, run ``year`` by ``year``."""

    def __init__(self, system, policy, dyadic="Tit For Tat", years=100, seed=0, index=0):
        super().__init__(seed=seed)
        self.system, self.policy, self.year = system, policy, 0
        self.dyadic = Dyadic.build(dyadic, years, system.n_powers)
        s0 = initial_state(system, 1, None, self.dyadic)
        self.state = {k: getattr(s0, k)[0].tolist() for k in STATE_KEYS}
        self.draws = BulkDraws(seed, index, years, system.n_powers)
        for i, name in enumerate(system.names):
            Power(self, i, name)
        self.war, self.cooperation = False, float("nan")
        self.datacollector = mesa.DataCollector(
            model_reporters={"war": "war", "cooperation": "cooperation",
                             "alive": lambda m: sum(a.alive for a in m.agents)},
            agent_reporters={"capability": "capability"})

    def step(self) -> None:
        self.state, measures = ref_step(self.state, self.draws.year(self.year), self.system,
                                        self.policy, self.dyadic, phases=PEER_YEAR)
        self.war = bool(measures["war"])
        self.cooperation = measures["cooperation_rate"]
        self.year += 1
        self.datacollector.collect(self)
