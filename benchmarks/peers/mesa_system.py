"""The international system as an idiomatic Mesa 3 model (a benchmark peer).

``Power`` agents carry their capability and whether they are alive; the
``InternationalSystem`` model advances one year per ``step()`` with the same
rules as ``security_regimes.system.model.step``, written one power and one
pair at a time (the scalar reference of ``tests/system/reference.py``), from
the same counter-based draws; a ``DataCollector`` records wars, survival,
cooperation (the share of directed pairs restraining) and every power's
capability each year, as a Mesa user would.  Outcomes agree
with ``simulate`` on the same seeds (the benchmark checks it), so the timing
compares like with like.
"""

from __future__ import annotations

import mesa
import numpy as np
from tests.system.draws import Draws
from tests.system.reference import ref_step

from security_regimes.engine.rng import spawn_keys
from security_regimes.system.model import Dyadic, initial_state

STATE_KEYS = ("cap", "alive", "excluded", "dyad", "belief", "grievance", "seen_hostile",
              "fallen")


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
        self.keys = spawn_keys(seed, np.array([index]))
        for i, name in enumerate(system.names):
            Power(self, i, name)
        self.war, self.cooperation = False, float("nan")
        self.datacollector = mesa.DataCollector(
            model_reporters={"war": "war", "cooperation": "cooperation",
                             "alive": lambda m: sum(a.alive for a in m.agents)},
            agent_reporters={"capability": "capability"})

    def step(self) -> None:
        u = Draws(self.keys, self.year, self.system.n_powers)
        draws = {name: u[name][0].tolist() for name in u.layout}
        self.state, measures = ref_step(self.state, draws, self.system, self.policy,
                                        self.dyadic)
        self.war = bool(measures["war"])
        self.cooperation = measures["cooperation_rate"]
        self.year += 1
        self.datacollector.collect(self)
