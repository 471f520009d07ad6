"""The international system as a Mesa 3 model: agents, ``step()``, a ``DataCollector``.

:class:`RegimesModel` runs one system of a scenario (or of a ``System``,
``Policy``, dyadic strategies and regime) one year per ``step()``, through
the same compiled year as :func:`~security_regimes.simulate`, from the same
per-run seed stream.  Run ``index`` of ``RegimesModel(..., seed=s)`` is
therefore run ``index`` of ``simulate(..., seed=s)``, bit for bit, year by
year: what a Mesa user builds on it (a ``DataCollector``, SolaraViz
components, an ``AgentSet`` query) reads the package's own results.

Each power is a :class:`PowerAgent` whose attributes (capability, alive,
allies, belief in each other power, regime weight) are read from the model's
state after the last year; the decisions themselves stay in the compiled
year, which is what makes the model fast (a year of five powers costs
microseconds).  To change how powers decide, change the model's settings
(``System``, ``Policy``, strategies, ``Regime``); to try a new rule in
Python, see the reference phases in ``tests/system/reference.py``.

Needs the ``mesa`` extra (``pip install "security-regimes[mesa]"``).
"""

from __future__ import annotations

import inspect

import numpy as np

from .._settings import DEFAULT_SEED
from .._validation import check_int
from ..engine.rng import root_entropy, spawn_keys
from ..system import Policy, System
from ..system.config import get_policy
from ..system.kernel import Kernel, allocate, measure_views
from ..system.model import Dyadic, initial_state
from ..system.simulate import MAX_YEARS, YEAR_MEASURES, check_growth
from .scenarios import Scenario, get_scenario

try:
    import mesa
except ImportError as e:  # pragma: no cover - the extra is missing
    raise ImportError('security_regimes.mesa needs Mesa 3: pip install "security-regimes[mesa]"'
                      ) from e

#: Model-level reporters of :attr:`RegimesModel.datacollector`: every measure
#: of the system year (:data:`~security_regimes.system.simulate.YEAR_MEASURES`)
#: plus ``alive``, the number of powers alive at the end of the year.
MODEL_REPORTERS = (*YEAR_MEASURES, "alive")
#: Agent-level reporters: each power's capability (units of the initial
#: total), whether it is alive, and how many allies it had during the year.
AGENT_REPORTERS = ("capability", "alive", "n_allies")


class PowerAgent(mesa.Agent):
    """One power of the system (a Mesa agent).

    Attributes are read from the model's state after its last ``step()``:
    ``capability`` (float, units of the initial total), ``alive`` (bool),
    ``allies`` (names of the powers in its alliance during the year),
    ``belief`` (dict name -> its belief that that power is a security seeker,
    in [0, 1]) and ``regime_weight`` (its internalisation of the regime's
    norms, in [0, 1]; 0 without a regime).
    """

    def __init__(self, model: RegimesModel, index: int, name: str):
        super().__init__(model)
        self.index, self.name = index, name

    @property
    def capability(self) -> float:
        return float(self.model.state.cap[0, self.index])

    @property
    def alive(self) -> bool:
        return bool(self.model.state.alive[0, self.index])

    @property
    def allies(self) -> list[str]:
        row = self.model.allied[self.index]
        return [self.model.power_names[j] for j in np.flatnonzero(row)]

    @property
    def n_allies(self) -> int:
        return int(self.model.allied[self.index].sum())

    @property
    def belief(self) -> dict[str, float]:
        b = self.model.state.belief[0, self.index]
        return {n: float(b[j]) for j, n in enumerate(self.model.power_names) if j != self.index}

    @property
    def regime_weight(self) -> float:
        w = self.model.state.weight
        return 0.0 if w is None else float(w[0, self.index])

    def __repr__(self) -> str:
        return (f"PowerAgent({self.name!r}, capability={self.capability:.4g}, "
                f"alive={self.alive})")


class RegimesModel(mesa.Model):
    """One international system as a Mesa 3 ``Model``, one year per ``step()``.

    Parameters
    ----------
    scenario : str or Scenario, optional
        A built-in scenario name or a :class:`~security_regimes.Scenario`; its
        system, policy, strategies, regime, years and start year are used.
        Without it, the parts below (default: the five powers of 1816 under
        ``Policy()``, Tit For Tat, no regime, 100 years).
    system, policy, dyadic, regime :
        As in :func:`~security_regimes.simulate` (only without ``scenario``).
    years : int, optional
        The run's horizon (the scenario's by default); ``step()`` past it
        sets ``running`` to False and does nothing.
    seed : int, SeedSequence or Generator
        Root seed, as in ``simulate`` (default 1).
    index : int
        Which run of that seed this model is (``simulate``'s system ``index``).

    Attributes
    ----------
    scenario_name : str or None
        The scenario's name (None when built from its parts; Mesa 3.5's
        own ``Model.scenario`` is left to Mesa).
    year : int
        Years run so far (0 before the first ``step()``).
    calendar_year : int
        The calendar year of the last year run (the start year minus one
        before the first).
    measures : dict
        The last year's measures, name -> scalar (see ``regimes measures``).
    state : State
        The system's state after the last year (batch of one).
    datacollector : mesa.DataCollector
        Collects :data:`MODEL_REPORTERS` and :data:`AGENT_REPORTERS` after
        every year.

    Examples
    --------
    >>> m = RegimesModel("concert_of_europe", seed=1, years=10)
    >>> m.run_model()
    >>> m.datacollector.get_model_vars_dataframe()["war"].shape
    (10,)
    """

    def __init__(self, scenario: str | Scenario | None = None, *, system: System | None = None,
                 policy: Policy | str | None = None, dyadic="Tit For Tat", regime=None,
                 years: int | None = None, seed=DEFAULT_SEED, index: int = 0):
        entropy = root_entropy(seed)
        # Mesa's own generators (model.random, model.rng), for code a user adds:
        # ``rng`` where Mesa has it (3.2 on; ``seed`` is deprecated there).
        if "rng" in inspect.signature(mesa.Model.__init__).parameters:
            super().__init__(rng=entropy)
        else:  # pragma: no cover - Mesa 3.0-3.1
            super().__init__(seed=entropy)
        if scenario is not None:
            if system is not None or policy is not None or regime is not None \
                    or dyadic != "Tit For Tat":
                raise ValueError("RegimesModel: give a scenario or its parts "
                                 "(system, policy, dyadic, regime), not both")
            sc = get_scenario(scenario)
            system, policy, dyadic, regime = sc.system, sc.policy, sc.dyadic, sc.regime
            years = sc.years if years is None else years
            self.start_year, self.scenario_name = sc.start_year, sc.name
        else:
            system = System() if system is None else system
            if not isinstance(system, System):
                raise ValueError(f"system must be a System, got {type(system).__name__}")
            self.start_year, self.scenario_name = 1, None
        self.horizon = check_int(100 if years is None else years, "years", 1, MAX_YEARS)
        self.index = check_int(index, "index", 0)
        check_growth(system, self.horizon)
        self.system, self.policy, self.regime = system, get_policy(
            Policy() if policy is None else policy), regime
        self.seed_entropy = entropy
        self.dyadic = Dyadic.build(dyadic, self.horizon, system.n_powers)
        self.power_names = tuple(system.names)
        self._keys = spawn_keys(entropy, np.array([self.index]))
        self._kernel = Kernel(system, self.policy, self.dyadic, regime)
        self.state = initial_state(system, 1, regime, self.dyadic)
        n = system.n_powers
        self.allied = np.zeros((n, n), dtype=bool)
        self.year, self.measures = 0, {}
        for i, name in enumerate(self.power_names):
            PowerAgent(self, i, name)
        self.datacollector = mesa.DataCollector(
            model_reporters={k: _reporter(k) for k in MODEL_REPORTERS},
            agent_reporters={k: k for k in AGENT_REPORTERS})

    @property
    def calendar_year(self) -> int:
        return self.start_year + self.year - 1

    def step(self) -> None:
        """Run the next year through the compiled year and collect its data."""
        if self.year >= self.horizon:
            self.running = False
            return
        n = self.system.n_powers
        F, I, Bo = allocate(1, 1)  # noqa: E741
        blocs = np.zeros((1, 1, n), dtype=np.int16)
        self._kernel.run(self.state, self._keys, self.year, self.year + 1, F, I, Bo,
                         None, blocs, threads=1, col0=self.year)
        b = blocs[0, 0]
        self.allied = (b[:, None] == b[None, :]) & (b[:, None] > 0) & ~np.eye(n, dtype=bool)
        self.measures = {k: v[0, 0].item() for k, v in measure_views(F, I, Bo).items()}
        self.year += 1
        self.datacollector.collect(self)
        if self.year >= self.horizon:
            self.running = False

    def run_model(self) -> None:
        """Step until the horizon."""
        while self.running:
            self.step()

    def __repr__(self) -> str:
        what = f"scenario {self.scenario_name!r}" if self.scenario_name else \
            f"{self.system.n_powers} powers, policy {self.policy.label}"
        return (f"RegimesModel({what}, run {self.index} of seed {self.seed_entropy}, "
                f"year {self.year} of {self.horizon})")


def _reporter(name: str):
    if name == "alive":
        return lambda m: int(m.state.alive[0].sum())
    return lambda m: m.measures[name]
