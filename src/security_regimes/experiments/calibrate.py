"""Calibration against the historical record: ABC-SMC with pyabc, held-out validation.

Approximate Bayesian computation with sequential Monte Carlo (Toni et al.
2009; Beaumont et al. 2009), as implemented by pyabc (Schälte et al. 2022),
fits a scenario's parameters to observed patterns of great-power history
(:mod:`security_regimes.data.patterns`; pattern-oriented modelling, Grimm et
al. 2005).  The fit uses one period (by default 1816-1870); the held-out
period (1871-1913) is predicted, not fitted, so the validation can fail.

A particle is one parameter vector; its simulated statistics are the means
over ``systems`` runs from 1816, and its distance to the record is the
weighted L1 norm of the differences, each divided by the statistic's
scale: with ``distance = "fixed"`` its ``SCALES`` entry (a documented
"meaningful difference": 0.01 wars per pair-year, 10 years, 0.1 of CON, one
allied pair, one war, one elimination, 0.1 of a probability), with
``distance = "adaptive"`` a scale re-estimated every generation
(:data:`DISTANCES`).  Counts enter as counts (``wars``), and the record's
pattern as an event of its own (``peace_then_wars``: a particle's mean is the
probability of peace to 1852 followed by at least three wars in 1853-1870).
The posterior predictive check then asks how often *one* simulated history,
drawn from the posterior, lies where the one real history lies: 90% intervals
of single-run statistics over posterior draws.

Outputs in the calibration directory: ``calibration.db`` (pyabc's SQLite
history: a killed run loses at most the generation in progress and
continues with ``resume``), ``posterior.parquet``, ``ppc.parquet``,
``calibrated.toml`` (the scenario at the posterior median) and
``manifest.json``; :func:`load_calibration` reads them back as a
:class:`CalibrationResult`.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from .._io import LOCK_NAME, DirectoryLock, write_parquet, write_text
from .._repr import Summarised, names
from .._settings import DEFAULT_SEED
from .._validation import closest_hint, require_extra
from .._version import __version__
from ..data.patterns import (
    DISPUTE_STATISTICS,
    PEACE_THEN_WARS,
    STATISTICS,
    covers_peace_then_wars,
    era_of,
    observed_patterns,
)
from ..regimes.files import _Strict, _validate, load_scenario_file, read_toml, scenario_to_toml
from ..regimes.history import simulated_patterns
from ..regimes.scenarios import Scenario, get_scenario
from .parameters import apply_point, check_ends, check_spec, from_continuous, settings

#: The size of a meaningful difference in each statistic (its distance unit).
SCALES = {"wars": 1.0, "wars_per_pair_year": 0.01, "years_to_first_war": 10.0, "con": 0.1,
          "alliances": 1.0, "eliminations": 1.0, "disputes_per_pair_year": 0.01,
          "dispute_war_share": 0.1, "dispute_yield_share": 0.1, "dispute_stalemate_share": 0.1,
          "peace_then_wars": 0.1}
#: How a particle's differences from the record are scaled (a calibration
#: file's ``distance``): ``fixed`` in :data:`SCALES`; ``adaptive`` re-estimates
#: each statistic's scale every generation from the last generation's
#: simulations (pyabc's ``AdaptivePNormDistance``, Prangle 2017) with
#: ``pcmad``: the median absolute deviation of the simulations plus their
#: median absolute deviation from the record (Schälte and Hasenauer 2022),
#: so a statistic every particle misses the same way still counts.
DISTANCES = ("fixed", "adaptive")


class PriorModel(_Strict):
    prior: Literal["uniform", "loguniform", "normal"] = Field(
        "uniform", description="uniform or loguniform on [low, high], or normal (mean, sd), "
                               "truncated to [low, high] or to the setting's valid range.")
    low: float | None = Field(None, allow_inf_nan=False,
                              description="Lower end of the support (uniform, loguniform: "
                                          "required; loguniform: above 0).")
    high: float | None = Field(None, allow_inf_nan=False,
                               description="Upper end of the support (above low).")
    mean: float | None = Field(None, allow_inf_nan=False, description="Normal prior's mean.")
    sd: float | None = Field(None, gt=0, allow_inf_nan=False,
                             description="Normal prior's standard deviation (above 0).")

    @model_validator(mode="after")
    def _check(self):
        if self.prior in ("uniform", "loguniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"a {self.prior} prior needs low and high")
        if self.low is not None and self.high is not None and not self.high > self.low:
            raise ValueError(f"high must be > low ({self.low}), got {self.high}")
        if self.prior == "loguniform" and self.low is not None and self.low <= 0:
            raise ValueError("a loguniform prior needs low > 0")
        if self.prior == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal prior needs mean and sd (low and high bound it)")
        return self

    def rv(self):
        import pyabc

        if self.prior == "uniform":
            return pyabc.RV("uniform", self.low, self.high - self.low)
        if self.prior == "loguniform":
            return pyabc.RV("loguniform", self.low, self.high)
        lo = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        hi = np.inf if self.high is None else (self.high - self.mean) / self.sd
        return pyabc.RV("truncnorm", lo, hi, self.mean, self.sd)


class CalibrationModel(_Strict):
    scenario: str = Field(description="Built-in scenario or scenario file (relative to here).")
    regime_from: str | None = Field(
        None, description="Built-in scenario whose regime is put on top of `scenario` (to "
                          "calibrate the base system first, then the regime).")
    seed: int = Field(DEFAULT_SEED, ge=0, description="Root seed of the fit and its checks.")
    populations: int = Field(8, ge=1, le=100, description="ABC-SMC generations.")
    particles: int = Field(500, ge=10, le=100_000, description="Particles per generation.")
    systems: int = Field(50, ge=1, le=100_000, description="Runs per particle.")
    fit: tuple[int, int] = Field((1816, 1870), description="Calendar years fitted "
                                 "(within the record, 1816-1913).")
    holdout: tuple[int, int] | None = Field(
        (1871, 1913), description="Calendar years predicted, not fitted (null: none).")
    statistics: dict[Literal[STATISTICS], float] = Field(  # type: ignore[valid-type]
        default_factory=lambda: {s: 1.0 for s in STATISTICS
                                 if s not in ("wars", "peace_then_wars")
                                 and s not in DISPUTE_STATISTICS},
        description="Statistic (data.patterns.STATISTICS) -> its weight in the distance "
                    "(default: all but wars, peace_then_wars and the dispute statistics).")
    distance: Literal[DISTANCES] = Field(  # type: ignore[valid-type]
        "fixed", description="How differences from the record are scaled: fixed (SCALES) or "
                             "adaptive (re-estimated every generation, pcmad).")
    ppc_draws: int = Field(100, ge=10, le=10_000, description="Posterior draws for the PPC.")
    parameters: dict[str, PriorModel] = Field(
        description="Setting path (system.first_strike ...) -> its prior.")

    @model_validator(mode="after")
    def _periods(self):
        eras = set()
        for name, p in (("fit", self.fit), ("holdout", self.holdout)):
            if p is None:
                continue
            try:
                eras.add(era_of(*p))
            except ValueError as e:
                raise ValueError(f"{name}: {e}") from None
        if len(eras) > 1:
            raise ValueError(f"fit {list(self.fit)} and holdout {list(self.holdout)} lie in "
                             "different eras; fit and predict within one")
        if self.holdout is not None and not (self.holdout[0] > self.fit[1] or
                                             self.holdout[1] < self.fit[0]):
            raise ValueError("the fit and holdout periods overlap")
        if not self.statistics:
            raise ValueError("statistics: name at least one statistic with its weight")
        for s, w in self.statistics.items():
            if not (w >= 0 and np.isfinite(w)):
                raise ValueError(f"weight of {s} must be a finite number >= 0, got {w}")
        if not any(w > 0 for w in self.statistics.values()):
            raise ValueError("statistics: at least one weight must be above 0")
        if "peace_then_wars" in self.statistics and not covers_peace_then_wars(*self.fit):
            (p0, _), (_, w1), _ = PEACE_THEN_WARS
            raise ValueError(f"statistics.peace_then_wars: the pattern spans {p0}-{w1}; the fit "
                             f"period {self.fit[0]}-{self.fit[1]} must contain it")
        if not self.parameters:
            raise ValueError("name at least one parameter with its prior")
        return self


def load_calibration_file(path: str | Path) -> tuple[CalibrationModel, Scenario]:
    """Read and validate a calibration file and its scenario (one-line errors)."""
    path = Path(path)
    model = _validate(CalibrationModel, read_toml(path), path)
    if model.scenario.endswith(".toml"):
        scenario, _ = load_scenario_file(path.parent / model.scenario)
    else:
        try:
            scenario = get_scenario(model.scenario)
        except ValueError as e:
            raise ValueError(f"{path}: scenario: {e}") from None
    if model.regime_from is not None:
        try:
            donor = get_scenario(model.regime_from)
        except ValueError as e:
            raise ValueError(f"{path}: regime_from: {e}") from None
        if donor.regime is None:
            raise ValueError(f"{path}: regime_from: scenario {donor.name} has no regime")
        from dataclasses import replace

        scenario = replace(scenario, regime=donor.regime,
                           name=f"{scenario.name}_with_{donor.name}_regime")
    crisis_stats = sorted(set(DISPUTE_STATISTICS) & set(model.statistics))
    if crisis_stats and scenario.system.core != "crisis":
        raise ValueError(f"{path}: statistics.{crisis_stats[0]}: disputes are the crisis "
                         f"core's; scenario {scenario.name} runs the {scenario.system.core} "
                         "core (set core = \"crisis\" in its [system] table)")
    known = settings(scenario)
    priors = {}
    for name, prior in model.parameters.items():
        if name not in known:
            hint = closest_hint(name, known)
            raise ValueError(f"{path}: parameters.{name}: not a parameter of {scenario.name}{hint}")
        row = known[name]
        if not row.numeric:
            raise ValueError(f"{path}: parameters.{name}: only numeric parameters can be "
                             f"calibrated ({name} is {row.expected()})")
        try:  # the prior's support lies inside the setting's valid values
            check_spec(row, None, prior.low, prior.high, f"parameters.{name}")
            check_ends(scenario, name, (prior.low, prior.high), f"parameters.{name}")
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        if prior.prior == "normal":  # truncated at the valid range where no bound is given
            priors[name] = prior.model_copy(update={
                "low": prior.low if prior.low is not None else
                (row.smallest() if row.low is not None else None),
                "high": prior.high if prior.high is not None else
                (row.largest() if row.high is not None else None)})
    if priors:
        model = model.model_copy(update={"parameters": {**model.parameters, **priors}})
    end = (model.holdout or model.fit)[1]
    if scenario.start_year > model.fit[0] or scenario.start_year < model.fit[0] - 200:
        raise ValueError(f"{path}: scenario {scenario.name} starts in {scenario.start_year}; "
                         f"calibration needs a scenario that starts by {model.fit[0]}")
    if end - scenario.start_year + 1 < 1:
        raise ValueError(f"{path}: the periods end before the scenario starts")
    return model, scenario


def _years(model: CalibrationModel, scenario: Scenario) -> int:
    return (model.holdout or model.fit)[1] - scenario.start_year + 1


def _run(scenario: Scenario, point: dict, systems: int, years: int, seed: int):
    return apply_point(scenario, from_continuous(scenario, point)).simulate(systems, years, seed)


class _Simulator:
    """pyabc's model: parameters -> scaled mean statistics of the fit period (picklable)."""

    def __init__(self, scenario, model: CalibrationModel):
        self.scenario, self.model = scenario, model
        self.years = _years(model, scenario)

    def __call__(self, params) -> dict[str, float]:
        point = {k: float(params[k]) for k in self.model.parameters}
        seed = int(np.random.randint(0, 2**31 - 1))  # pyabc seeds numpy per run/worker
        res = _run(self.scenario, point, self.model.systems, self.years, seed)
        stats = simulated_patterns(res, self.scenario.start_year, *self.model.fit).mean()
        return {s: float(stats[s]) / SCALES[s] for s in self.model.statistics}


def _observed(model: CalibrationModel, observed: dict | None) -> dict[str, float]:
    obs = observed if observed is not None else observed_patterns(*model.fit)
    return {s: float(obs[s]) / SCALES[s] for s in model.statistics}


#: Particles evaluated per Dask task (pyabc's ``batch_size``).
DASK_BATCH = 20


def _sampler(executor: str, workers: int | None, address: str | None):
    import pyabc

    if executor == "serial":
        return pyabc.sampler.SingleCoreSampler(), None
    if executor == "process":
        return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), None
    from .sweep import dask_client

    client, cluster = dask_client(address, workers)
    # A particle takes milliseconds: evaluate DASK_BATCH per task, or Dask's
    # per-task overhead dominates (unbatched, a 2-worker local cluster ran
    # a generation 2.5 times slower than the process sampler).
    return (pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=DASK_BATCH),
            (client, cluster))


def run_calibration(path: str | Path, out: str | Path, executor: str = "serial",
                    workers: int | None = None, address: str | None = None,
                    resume: bool = False, quiet: bool = False,
                    observed: dict | None = None) -> Path:
    """Calibrate the scenario of calibration file ``path`` into directory ``out``.

    ``observed`` replaces the COW patterns of the fit period (for recovery
    tests: fit statistics simulated from known parameters).  Returns ``out``.
    """
    import logging

    require_extra("pyabc", "calibrate")
    import pyabc

    from .._validation import check_choice, check_int

    executor = check_choice(executor, ("serial", "process", "dask"), "executor")
    if workers is not None:
        check_int(workers, "--workers", 1, 1024)
    path, out = Path(path), Path(out)
    model, scenario = load_calibration_file(path)
    db_path = out / "calibration.db"
    manifest_path = out / "manifest.json"
    if resume:
        if not db_path.is_file():
            raise ValueError(f"{out} holds no calibration to resume (no calibration.db)")
        try:
            old = json.loads(manifest_path.read_text())
            if not isinstance(old, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as e:
            raise ValueError(f"{manifest_path}: not a calibration manifest "
                             f"({str(e).splitlines()[0]}); choose another --out") from None
        try:  # the same calibration, except perhaps more generations
            import tomllib

            before = CalibrationModel.model_validate(tomllib.loads(old.get("calibration", "")))
        except (ValueError, TypeError):
            before = None
        if before is None or before.model_dump(exclude={"populations"}) != model.model_dump(
                exclude={"populations"}):
            raise ValueError(f"{out} holds a different calibration (only populations may "
                             "change on --resume); choose another --out")
    elif out.exists() and (not out.is_dir() or any(p.name != LOCK_NAME for p in out.iterdir())):
        raise ValueError(f"{out} is not empty; choose another --out (or pass --resume)")
    out.mkdir(parents=True, exist_ok=True)
    with DirectoryLock(out, "calibration"):  # one run at a time writes here
        if not resume:
            write_text(json.dumps({"kind": "calibration", "calibration_file": str(path),
                                   "calibration": path.read_text(), "scenario": scenario.name,
                                   "seed": model.seed, "package_version": __version__,
                                   "started": datetime.now(UTC).isoformat(timespec="seconds"),
                                   "observed": observed}, indent=2), manifest_path)
        for name in ("ABC", "ABC.Sampler", "ABC.Distance", "ABC.Epsilon", "ABC.History",
                     "ABC.Transition", "ABC.Population", "ABC.Predictor", "ABC.Adaptation"):
            logging.getLogger(name).setLevel(logging.WARNING)
        np.random.seed(model.seed)
        prior = pyabc.Distribution(**{k: p.rv() for k, p in model.parameters.items()})
        sampler, handles = _sampler(executor, workers, address)
        weights = dict(model.statistics)
        distance = (pyabc.AdaptivePNormDistance(p=1, fixed_weights=weights,
                                                scale_function=pyabc.distance.pcmad)
                    if model.distance == "adaptive" else
                    pyabc.PNormDistance(p=1, fixed_weights=weights))
        abc = pyabc.ABCSMC(_Simulator(scenario, model), prior, distance,
                           population_size=model.particles, sampler=sampler)
        db = f"sqlite:///{db_path.resolve()}"
        t0 = time.perf_counter()
        try:
            if resume:
                try:
                    drop_unfinished_generation(db_path, model.particles)
                    history = abc.load(db, 1, observed_sum_stat=_observed(model, observed))
                    done = history.max_t + 1  # reads the database: inside the try
                except Exception as e:  # pyabc/SQLAlchemy on a damaged file: say which, in one line
                    raise ValueError(f"{db_path}: cannot be read as a calibration database "
                                     f"({type(e).__name__}); choose another --out") from None
            else:
                history = abc.new(db, _observed(model, observed))
                done = history.max_t + 1
            from .._progress import Progress

            progress = Progress(model.populations, done=done, quiet=quiet, every=0.0,
                                label="calibrate", unit="generations")
            # One run() for all remaining generations: pyabc adapts the tolerance
            # between generations only within a run (calling run() a generation at a
            # time restarts the schedule).  Progress comes from the database.
            stop = _watch_generations(db_path, done, progress)
            try:
                if done < model.populations:
                    with _ctrl_c_in_this_process_only():
                        try:
                            history = abc.run(max_nr_populations=model.populations - done)
                        except Exception as e:
                            if _after_ctrl_c(e):  # pyabc's clean-up failed on a flush Ctrl-C cut
                                raise KeyboardInterrupt from None
                            raise
            finally:
                stop()
                progress.close()
        finally:
            if handles is not None:
                handles[0].close()
                if handles[1] is not None:
                    handles[1].close()
        write_outputs(out, model, scenario, history, observed)
        m = json.loads(manifest_path.read_text())
        m.update({"calibration_file": str(path), "calibration": path.read_text(),
                  "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                  "generations": int(history.max_t + 1),
                  "run_seconds": m.get("run_seconds", 0.0) + time.perf_counter() - t0})
        write_text(json.dumps(m, indent=2), manifest_path)
        return out


def _after_ctrl_c(e: BaseException) -> bool:
    """Whether ``e`` was raised while handling a Ctrl-C.

    A Ctrl-C that lands inside a database flush leaves pyabc's session rolled back,
    and the ``history.done()`` of pyabc's own ``finally`` then raises SQLAlchemy's
    ``PendingRollbackError`` in place of the KeyboardInterrupt: the interrupt is
    in the exception's context chain."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__context__
    return False


#: Modules whose code a Ctrl-C must not cut.  pyabc's History leaves its session
#: open, holding SQLite's write lock, when an exception leaves one of its methods,
#: and its own clean-up then waits its 120 s timeout for that lock (seen in CI).
#: Starting a worker runs the fork's Python callbacks (logging's lock release),
#: which swallow an exception raised in them: the Ctrl-C was lost and the run went
#: on to the end; and a worker forked but not yet registered would outlive us.
_UNINTERRUPTIBLE = ("sqlalchemy", "sqlite3", "pyabc.storage", "multiprocessing.popen_fork",
                    "multiprocessing.process")


def _uninterruptible(frame) -> bool:
    """Whether ``frame`` or a caller of it runs code of `_UNINTERRUPTIBLE`."""
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith(_UNINTERRUPTIBLE):
            return True
        frame = frame.f_back
    return False


@contextmanager
def _ctrl_c_in_this_process_only():
    """Ctrl-C interrupts this process, not the samplers' workers, and never
    inside a database write.

    pyabc's process sampler forks its workers (daemons) for each generation;
    they inherit this handler, which ignores the signal anywhere but here, so
    one Ctrl-C gives one line instead of a traceback per worker.  The workers
    end with this process (daemons are terminated at its exit).  A Ctrl-C that
    lands while pyabc writes its database or starts a worker is held until that
    returns (re-checked every 20 ms by a timer), so the interrupt is raised
    between transactions and forks, never inside one; a run that ends while one
    is held has nothing left to interrupt."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    parent = os.getpid()
    held = [False]

    def interrupt(frame):
        if _uninterruptible(frame):
            held[0] = True
            signal.setitimer(signal.ITIMER_REAL, 0.02)
            return
        held[0] = False
        raise KeyboardInterrupt

    def on_sigint(signum, frame):
        if os.getpid() == parent:
            interrupt(frame)

    def on_alarm(signum, frame):
        if os.getpid() == parent and held[0]:
            interrupt(frame)

    before = signal.signal(signal.SIGINT, on_sigint)
    before_alarm = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGALRM, before_alarm)


def drop_unfinished_generation(db_path: Path, particles: int) -> bool:
    """Delete the last generation of a calibration database if it was cut off while
    being written (fewer than ``particles`` particles, or weights that do not sum to
    1: pyabc writes a population in more than one transaction, so a kill can leave
    part of one).  Returns whether one was dropped; the run then redoes it."""
    import sqlite3

    with sqlite3.connect(db_path, timeout=5) as con:
        # rows a cut-off write left without their particle or sample first
        con.execute("DELETE FROM parameters WHERE particle_id NOT IN (SELECT id FROM particles)")
        con.execute("DELETE FROM samples WHERE particle_id NOT IN (SELECT id FROM particles)")
        con.execute("DELETE FROM summary_statistics WHERE sample_id NOT IN "
                    "(SELECT id FROM samples)")
        row = con.execute("SELECT id, t FROM populations WHERE t >= 0 ORDER BY t DESC "
                          "LIMIT 1").fetchone()
        if row is None:
            return False
        pop, _ = row
        n, w = con.execute("SELECT count(*), coalesce(sum(p.w), 0) FROM particles p JOIN "
                           "models m ON p.model_id = m.id WHERE m.population_id = ?",
                           (pop,)).fetchone()
        if n >= particles and abs(w - 1.0) < 1e-6:
            return False
        parts = "SELECT p.id FROM particles p JOIN models m ON p.model_id = m.id " \
                "WHERE m.population_id = ?"
        samples = f"SELECT id FROM samples WHERE particle_id IN ({parts})"
        con.execute(f"DELETE FROM summary_statistics WHERE sample_id IN ({samples})", (pop,))
        con.execute(f"DELETE FROM samples WHERE particle_id IN ({parts})", (pop,))
        con.execute(f"DELETE FROM parameters WHERE particle_id IN ({parts})", (pop,))
        con.execute(f"DELETE FROM particles WHERE id IN ({parts})", (pop,))
        con.execute("DELETE FROM models WHERE population_id = ?", (pop,))
        con.execute("DELETE FROM populations WHERE id = ?", (pop,))
    return True


def finished_generations(db_path: Path) -> int:
    """Generations finished in a calibration database (0 if there is none to read)."""
    import sqlite3

    if not Path(db_path).is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT count(*) FROM populations WHERE t >= 0")
                       .fetchone()[0])
    except sqlite3.Error:
        return 0


def _watch_generations(db_path: Path, done: int, progress):
    """Advance ``progress`` as generations appear in pyabc's database; returns a stop function."""
    import threading

    halt = threading.Event()
    seen = [done]

    def check():
        n = finished_generations(db_path)
        if n > seen[0]:
            progress.advance(n - seen[0])
            seen[0] = n

    def poll():
        while not halt.wait(1.0):
            check()

    thread = threading.Thread(target=poll, daemon=True, name="calibration-progress")
    thread.start()

    def stop():
        halt.set()
        thread.join(timeout=5)
        check()  # the last generation

    return stop


def posterior(history) -> pd.DataFrame:
    """Every generation's particles: parameters, ``weight``, ``generation``."""
    frames = []
    for t in range(history.max_t + 1):
        df, w = history.get_distribution(m=0, t=t)
        frames.append(df.reset_index(drop=True).assign(weight=w, generation=t))
    return pd.concat(frames, ignore_index=True)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of particles ``x`` with weights ``w`` (pyabc's
    ``weighted_quantile``: the weighted empirical distribution, interpolated
    between particles)."""
    from pyabc.weighted_statistics import weighted_quantile as pyabc_quantile

    w = np.asarray(w, dtype=float)
    return float(pyabc_quantile(np.asarray(x, dtype=float), weights=w / w.sum(), alpha=q))


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size of importance weights ``w``, (sum w)^2 / sum w^2
    (pyabc's ``effective_sample_size``)."""
    from pyabc.weighted_statistics import effective_sample_size as pyabc_ess

    return float(pyabc_ess(np.asarray(w, dtype=float)))


def posterior_predictive(model: CalibrationModel, scenario: Scenario, post: pd.DataFrame,
                         observed: dict | None = None, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """90% intervals of single-run statistics over posterior draws, fit and holdout."""
    last = post[post.generation == post.generation.max()]
    rng = np.random.default_rng(seed)
    w = last.weight.to_numpy(float)
    idx = rng.choice(len(last), size=model.ppc_draws, p=w / w.sum())
    params = list(model.parameters)
    years = _years(model, scenario)
    periods = [("fit", model.fit)] + ([("holdout", model.holdout)] if model.holdout else [])
    runs = {p: [] for p, _ in periods}
    per_draw = max(1, min(model.systems, 20))
    for k, i in enumerate(idx):
        point = {p: float(last.iloc[i][p]) for p in params}
        res = _run(scenario, point, per_draw, years, seed + 1 + k)
        for label, (lo, hi) in periods:
            runs[label].append(simulated_patterns(res, scenario.start_year, lo, hi))
    rows = []
    for label, (lo, hi) in periods:
        sims = pd.concat(runs[label], ignore_index=True)
        obs = observed_patterns(lo, hi) if (observed is None or label != "fit") else observed
        # The disputes are the crisis core's: the first-strike core opens no crisis.
        stats = STATISTICS if scenario.system.core == "crisis" else [
            s for s in STATISTICS if s not in DISPUTE_STATISTICS]
        for s in stats:
            if not np.isfinite(obs[s]) and sims[s].isna().all():
                continue  # not defined for this period (peace_then_wars outside 1816-1870)
            v = sims[s].dropna().to_numpy(float)
            lo_q, med, hi_q = np.percentile(v, [5, 50, 95]) if v.size else (np.nan,) * 3
            rows.append({"statistic": s, "period": label, "years": f"{lo}-{hi}",
                         "observed": float(obs[s]), "median": float(med), "lo": float(lo_q),
                         "hi": float(hi_q), "fitted": s in model.statistics and label == "fit",
                         "inside": bool(lo_q <= obs[s] <= hi_q)})
    return pd.DataFrame(rows)


def write_outputs(out: Path, model: CalibrationModel, scenario: Scenario, history,
                  observed: dict | None = None) -> None:
    post = posterior(history)
    write_parquet(post, out / "posterior.parquet")
    # Tolerance (epsilon), simulations and acceptance per generation.
    gens = history.get_all_populations()
    gens = gens[gens.t >= 0][["t", "epsilon", "samples", "particles"]].rename(
        columns={"t": "generation"})
    ess = post.groupby("generation").weight.apply(effective_sample_size)
    write_parquet(gens.assign(acceptance=gens.particles / gens.samples,
                              ess=gens.generation.map(ess).to_numpy(float)),
                  out / "generations.parquet")
    ppc = posterior_predictive(model, scenario, post, observed, seed=model.seed)
    write_parquet(ppc, out / "ppc.parquet")
    last = post[post.generation == post.generation.max()]
    w = last.weight.to_numpy(float)
    median = {p: weighted_quantile(last[p].to_numpy(float), w, 0.5) for p in model.parameters}
    from dataclasses import replace

    cal = replace(apply_point(scenario, from_continuous(scenario, median)), name=f"{scenario.name}_calibrated",
                  description=f"{scenario.description} Calibrated: posterior medians of "
                              f"{', '.join(median)} from ABC-SMC on COW {model.fit[0]}-"
                              f"{model.fit[1]} (security-regimes {__version__}).")
    write_text(scenario_to_toml(cal), out / "calibrated.toml")


def identifiability(path: str | Path, samples: int = 32, systems: int | None = None,
                    seed: int | None = None, progress=None) -> pd.DataFrame:
    """Sobol indices (SALib) of each fitted statistic with respect to each parameter.

    Parameters vary over their prior ranges (a normal prior over its bounds,
    or mean +/- 3 sd where unbounded); each of the ``samples * (D + 2)``
    Saltelli points runs ``systems`` systems (default: the file's) over the
    fit period.  A statistic whose total index for a parameter is near 0
    cannot pin that parameter down: the data say nothing about it.
    Returns one row per (statistic, parameter): ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf``.
    """
    require_extra("SALib", "sensitivity")
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from .._validation import check_int

    model, scenario = load_calibration_file(path)
    samples = check_int(samples, "--samples", 2, 4096)
    names = list(model.parameters)
    bounds = []
    for n in names:
        p = model.parameters[n]
        lo = p.low if p.low is not None else p.mean - 3 * p.sd
        hi = p.high if p.high is not None else p.mean + 3 * p.sd
        bounds.append([lo, hi])
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    seed = model.seed if seed is None else seed
    x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    systems = model.systems if systems is None else check_int(systems, "--systems", 1)
    years = model.fit[1] - scenario.start_year + 1
    rows = []
    for v in x:  # common random numbers: every point uses the same seed
        res = _run(scenario, dict(zip(names, map(float, v), strict=True)), systems, years, seed)
        rows.append(simulated_patterns(res, scenario.start_year, *model.fit).mean())
        if progress is not None:
            progress(1)
    y = pd.DataFrame(rows)
    out = []
    for s in model.statistics:
        col = y[s].to_numpy(float)
        if not np.isfinite(col).all() or np.ptp(col) == 0:
            si = {"S1": [np.nan] * len(names), "S1_conf": [np.nan] * len(names),
                  "ST": [np.nan] * len(names), "ST_conf": [np.nan] * len(names)}
        else:
            si = sobol_analyze.analyze(problem, col, calc_second_order=False, seed=seed)
        for j, n in enumerate(names):
            out.append({"statistic": s, "parameter": n, "S1": float(si["S1"][j]),
                        "S1_conf": float(si["S1_conf"][j]), "ST": float(si["ST"][j]),
                        "ST_conf": float(si["ST_conf"][j])})
    return pd.DataFrame(out)


@dataclass(frozen=True, repr=False)
class CalibrationResult(Summarised):
    """A finished calibration, read back from its directory (:func:`load_calibration`).

    ``posterior`` holds every generation's particles (one column per
    parameter, ``weight``, ``generation``); ``generations`` the tolerance
    (``epsilon``), simulations, acceptance rate and effective sample size
    (``ess``, of the generation's weights) per generation; ``ppc``
    the posterior predictive check (one row per statistic and period: the
    observed value, the median and 90% interval of single-run statistics
    over posterior draws, ``inside``); ``manifest`` the calibration's
    manifest (its file, seed, timings).
    """

    directory: Path
    manifest: dict
    posterior: pd.DataFrame
    generations: pd.DataFrame
    ppc: pd.DataFrame

    @property
    def parameters(self) -> list[str]:
        """The calibrated parameters' paths (e.g. ``system.first_strike``)."""
        return [c for c in self.posterior.columns if c not in ("weight", "generation")]

    @property
    def final(self) -> pd.DataFrame:
        """The last generation's particles: the posterior sample (weights in ``weight``)."""
        return self.posterior[self.posterior.generation == self.posterior.generation.max()]

    def quantiles(self, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Weighted quantiles of each parameter in the last generation, one row per
        parameter, one column ``qNN`` per quantile (``q50`` is what ``calibrated.toml``
        holds)."""
        last = self.final
        w = last.weight.to_numpy(float)
        return pd.DataFrame([{"parameter": p, **{f"q{round(x * 100):02d}": weighted_quantile(
            last[p].to_numpy(float), w, x) for x in q}} for p in self.parameters])

    def medians(self) -> dict[str, float]:
        """The posterior median of each parameter (the values of ``calibrated.toml``)."""
        return dict(zip(self.parameters, self.quantiles((0.5,)).q50, strict=True))

    def calibrated(self) -> Scenario:
        """The scenario at the posterior medians (``calibrated.toml``), ready to run."""
        return load_scenario_file(self.directory / "calibrated.toml")[0]

    def plot(self, parameter: str | None = None, ax=None):
        """The weighted kernel density of ``parameter`` (default: the first) in the
        last generation (pyabc's ``plot_kde_1d``).  Draws on ``ax`` (new axes when
        None) and returns it."""
        from pyabc.visualization import plot_kde_1d

        from .._plot import _axes

        parameter = parameter or self.parameters[0]
        if parameter not in self.parameters:
            raise ValueError(f"unknown parameter {parameter!r}"
                             f"{closest_hint(parameter, self.parameters)}; this calibration "
                             f"fitted {', '.join(self.parameters)}")
        last = self.final
        ax = _axes(ax)
        plot_kde_1d(last[self.parameters].reset_index(drop=True),
                    last.weight.to_numpy(float) / last.weight.sum(), parameter, ax=ax,
                    xname=parameter,
                    title=f"posterior, generation {int(last.generation.iloc[0])}")
        ax.set_ylabel("posterior density")
        return ax

    def to_arviz(self, draws: int | None = None, seed: int = DEFAULT_SEED):
        """The posterior as an ArviZ ``InferenceData`` (the ``calibrate`` extra).

        ABC-SMC particles are weighted and ArviZ expects equally weighted
        draws, so ``posterior`` holds ``draws`` (default: as many as the last
        generation's particles) drawn with replacement in proportion to the
        weights, one chain, from a generator seeded with ``seed``;
        ``observed_data`` holds the record's fitted statistics (the fit period
        of the posterior predictive check), and the attributes the scenario,
        generations and effective sample size.
        """
        import warnings

        require_extra("arviz", "calibrate")
        with warnings.catch_warnings():  # arviz 0.2x announces its 1.0 refactor on import
            warnings.simplefilter("ignore", FutureWarning)
            import arviz as az

        last = self.final
        w = last.weight.to_numpy(float)
        n = len(last) if draws is None else int(draws)
        idx = np.random.default_rng(seed).choice(len(last), size=n, p=w / w.sum())
        posterior = {p: last[p].to_numpy(float)[idx][None, :] for p in self.parameters}
        fit = self.ppc[(self.ppc.period == "fit") & self.ppc.fitted]
        observed = {s: np.array([v]) for s, v in zip(fit.statistic, fit.observed, strict=True)}
        attrs = {"scenario": str(self.manifest.get("scenario", "")),
                 "generations": int(self.posterior.generation.max()) + 1,
                 "particles": len(last), "effective_sample_size": effective_sample_size(w),
                 "inference_library": "pyabc (ABC-SMC)", "resampling_seed": int(seed),
                 "created_by": f"security-regimes {__version__}"}
        return az.from_dict(posterior=posterior, observed_data=observed or None, attrs=attrs,
                            posterior_attrs=attrs)

    def _summary(self):
        ppc = self.ppc
        med = self.medians()
        rows = [("directory", self.directory),
                ("scenario", self.manifest.get("scenario", "?")),
                ("generations", f"{int(self.posterior.generation.max()) + 1} "
                                f"({len(self.final)} particles in the last, effective sample "
                                f"size {effective_sample_size(self.final.weight):.0f})"),
                ("posterior medians", ", ".join(f"{k} = {v:.4g}" for k, v in med.items()))]
        for period in ppc.period.unique():
            part = ppc[ppc.period == period]
            rows.append((f"inside 90% ({period})", f"{int(part.inside.sum())} of {len(part)}: "
                         + names(part.statistic[part.inside], 4)))
        return "CalibrationResult", rows


def load_calibration(directory: str | Path) -> CalibrationResult:
    """A finished calibration directory (written by :func:`run_calibration` or
    ``regimes calibrate``) as a :class:`CalibrationResult`; ValueError (one line)
    when it is not one or has not finished."""
    d = Path(directory)
    if not (d / "manifest.json").exists():
        raise ValueError(f"{d}: not a calibration directory (no manifest.json)")
    try:
        manifest = json.loads((d / "manifest.json").read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{d / 'manifest.json'}: not valid JSON ({e.msg})") from None
    if manifest.get("kind") != "calibration":
        raise ValueError(f"{d}: not a calibration directory (its manifest is a "
                         f"{manifest.get('kind', 'unknown')!r} one)")
    missing = [f for f in ("posterior.parquet", "generations.parquet", "ppc.parquet")
               if not (d / f).exists()]
    if missing:
        raise ValueError(f"{d}: the calibration has not finished (no {', '.join(missing)}); "
                         "continue it with regimes calibrate FILE --out DIR --resume")
    return CalibrationResult(d, manifest, pd.read_parquet(d / "posterior.parquet"),
                             pd.read_parquet(d / "generations.parquet"),
                             pd.read_parquet(d / "ppc.parquet"))
