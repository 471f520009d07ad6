"""The ``regimes`` command line.

Every command validates its input through the library, so bad input gives
the library's one-line ``ValueError`` message and exit status 2, never a
traceback.
"""

from __future__ import annotations

import errno
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .._policies import DEFAULT_POLICY, TRAITS
from .._settings import DEFAULT_SEED
from .._tables import MAX_POWERS
from .._tables import POLICY_SETTINGS as _P
from .._tables import SYSTEM_SETTINGS as _S
from .._validation import check_choice

app = typer.Typer(
    help="Simulate and measure international security regimes (Jervis 1982).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Piped output is not cut at 80 columns: names and numbers stay whole.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        print(f"security-regimes {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Simulate and measure international security regimes (Jervis 1982)."""


DEFAULT_TOURNAMENT = [
    "Cooperator",
    "Defector",
    "Tit For Tat",
    "Grudger",
    "Tit For 2 Tats",
    "Suspicious Tit For Tat",
    "Win-Stay Lose-Shift",
    "Alternator",
    "Soft Go By Majority",
    "Contrite Tit For Tat",
    "Random",
    "GTFT",
    "Bayesian Trust",
]

def _path(text: str) -> Path:
    """A path option or argument: an empty one (``--out ""``) is refused, not read as "."."""
    if not str(text).strip():
        raise typer.BadParameter("is empty; give a path")
    return Path(text)


def _no_flag_types() -> None:
    """Typer's rich help prints ``<bool>`` after every flag, which takes no value: drop it."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_no_flags", False):
        return

    def display_type_rich(self, ctx):
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._no_flags = True
    TyperOption.display_type_rich = display_type_rich


_no_flag_types()

#: Rows ``regimes query`` prints as a table unless ``--limit`` says otherwise.
QUERY_ROWS = 1000

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Core = Annotated[str | None, typer.Option(help=_S["core"].help() + " (default: the scenario's)")]
Growth = Annotated[str | None, typer.Option(help=_S["growth"].help() + " (default: the scenario's)")]
Seed = Annotated[int | None, typer.Option(help="Root seed (non-negative integer).")]


def _check_core(core: str | None) -> None:
    """``--core``, when given, checked by ``System.core``'s row (one line, exit 2)."""
    if core is not None:
        _S["core"].check(core, "--core")


def _moves_str(moves) -> str:
    return "".join("C" if m else "D" for m in moves)


def show(table: Table) -> None:
    """Print a table whole: wider than the terminal rather than cut (``1.0…``) or wrapped.

    Names and numbers are copied from these tables into commands and papers,
    so no cell is ever shortened; a terminal wraps long lines visibly.
    """
    from rich.measure import Measurement

    need = Measurement.get(console, console.options.update(max_width=100_000), table).maximum
    old = console.width
    console.width = max(old, need)
    try:
        console.print(table)
    finally:
        console.width = old


@contextmanager
def _progress(total: int, label: str, unit: str = "system-years"):
    """A progress callback for library calls that take one (see ``simulate(progress=)``)."""
    from .._progress import Progress

    p = Progress(total, label=label, unit=unit, transient=True)
    try:
        yield p.advance
    finally:
        p.close()


def _df_table(df, title: str | None = None, floatfmt: str = "{:.3f}") -> Table:
    from rich.markup import escape

    # Escaped: names such as "rho[system.transfer]" are text, not rich markup.
    table = Table(title=escape(title) if title else title)
    for col in df.columns:
        table.add_column(escape(str(col)),
                         justify="right" if df[col].dtype.kind in "iuf" else "left", no_wrap=True)
    for row in df.itertuples(index=False):
        table.add_row(
            *[floatfmt.format(v) if isinstance(v, float) else escape(str(v)) for v in row]
        )
    return table


def _settings_classes() -> dict:
    """Section name -> (path prefix, settings class), from the sweep paths' sections."""
    from ..experiments.parameters import SECTIONS
    from ..regimes.scenarios import Scenario

    return {"scenario": ("", Scenario),
            **{path.rpartition(".")[2]: (f"{path}.", cls) for path, cls in SECTIONS.items()}}


@app.command()
def settings(
    section: Annotated[str | None, typer.Argument(
        help="scenario | system | policy | regime | conditions (default: all).")] = None,
    as_json: Json = False,
) -> None:
    """List every setting of a scenario: its valid values, default, unit and meaning.

    The same table checks a value in Python, in a scenario file, in a sweep, in an
    EMA range and in a calibration prior (paths as in sweep files).
    """
    from .._settings import settings_rows

    classes = _settings_classes()
    names = list(classes) if section is None else [check_choice(section, classes, "section")]
    rows = []
    for name in names:
        prefix, cls = classes[name]
        rows += [{**r, "setting": prefix + r["setting"]} for r in settings_rows(cls)]
    if as_json:
        print(json.dumps(rows))
        return
    import pandas as pd

    show(_df_table(pd.DataFrame(rows), title="Settings (sweep paths; regimes settings --json)"))


@app.command()
def strategies(as_json: Json = False) -> None:
    """List the built-in strategies and their metadata."""
    from ..games.strategies import all_strategies

    if as_json:
        print(json.dumps([{"name": s.display_name,
                           "memory_depth": s.classifier.get("memory_depth"),
                           "stochastic": bool(s.classifier.get("stochastic")),
                           "kind": "state machine" if hasattr(s, "initial") else "vectorised"}
                          for s in all_strategies()], default=float))
        return
    table = Table(title="Strategies (names as in the Axelrod library)")
    for col in ("name", "memory depth", "stochastic", "kind"):
        table.add_column(col, no_wrap=True)
    for s in all_strategies():
        kind = "state machine" if hasattr(s, "initial") else "vectorised"
        table.add_row(
            s.display_name,
            str(s.classifier.get("memory_depth")),
            str(s.classifier.get("stochastic")),
            kind,
        )
    show(table)


@app.command("match")
def match_cmd(
    a: Annotated[str, typer.Argument(help="First strategy, e.g. 'Tit For Tat'.")],
    b: Annotated[str, typer.Argument(help="Second strategy.")],
    turns: Annotated[int, typer.Option(help="Number of turns (the cap if --continuation).")] = 200,
    game: Annotated[str, typer.Option(help="Stage game preset.")] = "prisoners_dilemma",
    noise: Annotated[float, typer.Option(help="Probability an intended move is flipped.")] = 0.0,
    misperception: Annotated[
        float, typer.Option(help="Probability a move is seen as its opposite.")
    ] = 0.0,
    continuation: Annotated[
        float | None, typer.Option(help="Probability of another turn (shadow of the future).")
    ] = None,
    seed: Seed = DEFAULT_SEED,
    as_json: Json = False,
) -> None:
    """Play one repeated game and print its moves and scores."""
    from ..engine.play import match

    r = match(a, b, turns=turns, game=game, noise=noise, misperception=misperception,
              continuation=continuation, seed=seed)
    if as_json:
        print(json.dumps({
            "players": list(r.players),
            "turns": r.turns,
            "scores": r.scores.tolist(),
            "cooperation": r.cooperation.tolist(),
            "moves": [_moves_str(r.moves[:, 0]), _moves_str(r.moves[:, 1])],
            "seed": r.seed,
        }))
        return
    table = Table(title=f"{r.players[0]} vs {r.players[1]}: {r.turns} turns, seed {r.seed}")
    for col in ("player", "score", "restraint", "moves (C = restrain)"):
        table.add_column(col)
    for k in range(2):
        moves = _moves_str(r.moves[:, k])
        table.add_row(r.players[k], f"{r.scores[k]:g}", f"{r.cooperation[k]:.2f}",
                      moves if len(moves) <= 60 else moves[:57] + "...")
    show(table)


@app.command("tournament")
def tournament_cmd(
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", "-s", help="Strategy to include (repeat); default: all built-in."),
    ] = None,
    turns: Annotated[int, typer.Option(help="Turns per match.")] = 200,
    repetitions: Annotated[int, typer.Option(help="Repetitions of each pairing.")] = 10,
    game: Annotated[str, typer.Option(help="Stage game preset.")] = "prisoners_dilemma",
    noise: Annotated[float, typer.Option(help="Probability an intended move is flipped.")] = 0.0,
    seed: Seed = DEFAULT_SEED,
    as_json: Json = False,
) -> None:
    """Play a round-robin tournament and print the ranking."""
    from ..engine.tournament import tournament

    r = tournament(strategy or DEFAULT_TOURNAMENT, turns=turns, repetitions=repetitions,
                   game=game, noise=noise, seed=seed)
    summary = r.summary
    if as_json:
        print(json.dumps({"ranking": r.ranking, "seed": r.seed,
                          "summary": summary.to_dict(orient="records")}))
        return
    show(_df_table(summary, title=f"Tournament: {turns} turns x {repetitions} "
                                          f"repetitions, game {game}, noise {noise:g}, seed {r.seed}"))


def _parse_rules(rule: list[str] | None) -> dict[int, float]:
    out = {}
    for item in rule or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--rule expects RULE=WEIGHT such as 3=0.5, got {item!r}")
        try:
            out[int(key)] = float(value)
        except ValueError:
            raise ValueError(f"--rule expects RULE=WEIGHT such as 3=0.5, got {item!r}") from None
    return out


def _system_from_options(powers: int | None, cow_year: int, states: str | None,
                         capabilities: str | None, misperception: float | None):
    from ..system import System

    extra = {} if misperception is None else {"misperception": misperception}
    if capabilities is not None and states is not None:
        raise ValueError("--states and --capabilities: give one (COW states, or capabilities "
                         "of your own), not both")
    if capabilities is not None and not capabilities.strip():
        raise ValueError("--capabilities is empty; expected comma-separated numbers, e.g. 3,2,1")
    if states is not None and not states.strip():
        raise ValueError("--states is empty; expected COW abbreviations, e.g. UKG,RUS,FRN")
    if capabilities:
        try:
            caps = tuple(float(x) for x in capabilities.split(","))
        except ValueError:
            raise ValueError(f"--capabilities expects comma-separated numbers, "
                             f"got {capabilities!r}") from None
        return System(capabilities=caps, cow_year=None, **extra)
    if states:
        return System.from_cow(cow_year, states=tuple(x.strip() for x in states.split(",")),
                               **extra)
    return System.from_cow(cow_year, powers, **extra)


@app.command()
def simulate(
    policy: Annotated[str, typer.Option(help=_P["name"].help())] = DEFAULT_POLICY,
    years: Annotated[int, typer.Option(help="Years to simulate.")] = 200,
    systems: Annotated[int, typer.Option(help="Independent systems (runs).")] = 1000,
    seed: Seed = DEFAULT_SEED,
    powers: Annotated[int | None, typer.Option(
        help="Number of powers: the largest in the COW year (default: its major powers).")] = None,
    cow_year: Annotated[int, typer.Option(help="COW year for initial capabilities.")] = 1816,
    states: Annotated[str | None, typer.Option(help="COW states, e.g. UKG,RUS,FRN,AUH,GMY.")] = None,
    capabilities: Annotated[str | None, typer.Option(help="Initial capabilities, e.g. 3,2,1.")] = None,
    rule: Annotated[list[str] | None, typer.Option(help="Kaplan rule weight, e.g. --rule 3=0.5 (repeat).")] = None,
    balancer: Annotated[int, typer.Option(help=_P["balancer"].help())] = 0,
    trait: Annotated[list[str] | None, typer.Option(
        help="A trait of policy custom, on (repeat): " + ", ".join(TRAITS) + ".")] = None,
    misperception: Annotated[float | None, typer.Option(help=_S["misperception"].help())] = None,
    dyadic: Annotated[str, typer.Option(
        help="Dyadic strategy of every power, or one per power: Defector,Tit For Tat,...")] = "Tit For Tat",
    belief_prior: Annotated[float | None, typer.Option(help=_S["belief_prior"].help())] = None,
    out: Annotated[Path | None, typer.Option(parser=_path, 
        help="Stream years/runs/alliances/capabilities Parquet here (bounded memory).")] = None,
    as_json: Json = False,
) -> None:
    """Simulate many international systems under one balance-of-power policy."""
    from ..system import Policy
    from ..system import simulate as run

    system = _system_from_options(powers, cow_year, states, capabilities, misperception)
    if belief_prior is not None:
        system = system.with_(belief_prior=belief_prior)
    traits = {}
    for t in trait or []:
        traits[check_choice(t, TRAITS, "--trait")] = True
    pol = Policy(policy, rules=_parse_rules(rule), balancer=balancer, **traits)
    _check_out_file(out)
    with _progress(systems * years, "simulate") as advance:
        # With --out the run streams to Parquet chunk by chunk: memory stays bounded.
        r = run(system, years=years, policy=pol, systems=systems, seed=seed,
                dyadic=_parse_dyadic(dyadic, system.n_powers),
                record_capabilities=out is not None, record_alliances=out is not None,
                progress=advance, out=out)
    agg = _summarise_runs(r.summary)
    if as_json:
        print(json.dumps({"policy": pol.label, "powers": list(system.names), "seed": r.seed,
                          "summary": agg.to_dict(orient="records")}))
    else:
        show(_df_table(agg, title=f"{systems} systems x {years} years, policy "
                                           f"{pol.label}, powers {', '.join(system.names)}, seed {r.seed}"))
        if out is not None:
            console.print(f"Parquet written to {out}")


@app.command("balance")
def balance_cmd(
    systems: Annotated[int, typer.Option(help="Systems per (policy, number of powers).")] = 500,
    years: Annotated[int, typer.Option(help="Years per system.")] = 200,
    seed: Seed = DEFAULT_SEED,
    powers: Annotated[str, typer.Option(help="Numbers of powers, e.g. 3-10 or 3,5,8.")] = "3-10",
    cow: Annotated[bool, typer.Option("--cow/--equal", help="Start from COW 1816 shares "
                                      "instead of equal powers.")] = False,
    geography: Annotated[str, typer.Option(help=_S["geography"].help() + "; grid or random "
                                           "puts the great powers and the periphery on a map")
                         ] = "none",
    gradient: Annotated[float, typer.Option(help=_S["gradient"].help())] = 0.0,
    periphery: Annotated[int, typer.Option(help="Minor states beside the great powers, each "
                                           "a twentieth of a great power (PERIPHERY_SIZE)")
                         ] = 0,
    out: Annotated[Path | None, typer.Option(parser=_path, help="Write outcomes.csv and survival.csv here.")] = None,
    as_json: Json = False,
) -> None:
    """Compare waltz, kaplan, balancer and far_sighted_waltz on the same seeds.

    With ``--geography grid`` and/or ``--periphery M`` each system is the
    great powers with the rest of the system present (M minor states, on a
    lattice); the table then shows the great powers' survival."""
    from .._validation import check_int
    from ..experiments.balance import balance_experiment
    from ..system import NAMED_POLICIES as POLICIES

    ns = _parse_int_list(powers, "--powers")
    systems, years = check_int(systems, "--systems", 1), check_int(years, "--years", 1)
    geography = _S["geography"].check(geography, "--geography")
    if geography == "capitals":
        raise ValueError("--geography: the balance experiment's powers are abstract: "
                         "expected 'none', 'grid' or 'random', got 'capitals'")
    gradient = _S["gradient"].check(gradient, "--gradient")
    periphery = check_int(periphery, "--periphery", 0)
    if cow and (geography != "none" or periphery):
        raise ValueError("--cow: the COW start has no periphery or map; give --equal with "
                         "--geography or --periphery")
    from .._tables import MAX_POWERS

    if max(ns) + periphery > MAX_POWERS:
        raise ValueError(f"--periphery: {max(ns)} great powers and {periphery} minor states "
                         f"exceed the {MAX_POWERS} powers a system holds")
    _check_out_file(out)
    with _progress(len(ns) * len(POLICIES) * systems * years, "balance") as advance:
        outcomes, survival = balance_experiment(ns, systems=systems, years=years, seed=seed,
                                                equal=not cow, progress=advance,
                                                geography=geography, gradient=gradient,
                                                periphery=periphery)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        outcomes.to_csv(out / "outcomes.csv", index=False)
        survival.to_csv(out / "survival.csv", index=False)
    if as_json:
        print(json.dumps({"seed": seed, "systems": systems, "years": years,
                          "outcomes": _records(outcomes)}, default=_json_default))
        return
    cols = ["n_powers", "policy", "war_frequency", "mean_war_size", "essential_survival",
            "essential_survival_lo", "essential_survival_hi", "all_survive", "hegemony_reached",
            "hegemony_year", "system_war_frequency", "sparing"]
    if "great_survival" in outcomes:
        cols = ["n_powers", "policy", "war_frequency", "great_survival", "great_survival_lo",
                "great_survival_hi", "all_great_survive", "hegemony_reached",
                "system_war_frequency", "sparing"] + (
                    ["minor_survival"] if "minor_survival" in outcomes else [])
    show(_df_table(outcomes[cols], title=f"Balance of power: {systems} systems x "
                                         f"{years} years per cell, seed {seed}"))
    if out is not None:
        console.print(f"written {out / 'outcomes.csv'} and {out / 'survival.csv'}")


def _likelihood_note(history) -> str:
    """Why a likelihood ratio of the history table is missing, if one is."""
    p = history[history.statistic.str.startswith("p_")]
    undefined = p[p.likelihood_ratio.isna()]
    if undefined.empty:
        return ""
    runs = history.attrs.get("runs")
    of = f" (0 of {runs:,} runs)" if runs else ""
    return (f"likelihood_ratio is undefined (nan) for {', '.join(undefined.statistic)}: the "
            f"record has probability 0 with and without the norms{of}; it is nan for the "
            "other rows, which are not probabilities")


def _json_default(v):
    """numpy scalars in JSON output."""
    return float(v)


def _records(df) -> list[dict]:
    """Rows as dicts with NaN as null (valid JSON)."""
    from .._io import json_records

    return json_records(df)


def _check_out_file(out: Path | None, kind: str | None = None) -> None:
    """``--out`` must be a directory (or not exist yet), and not one that holds
    another command's results (a ``manifest.json`` of a sweep, calibration,
    demo; ``kind`` names the one this command may overwrite): checked before
    any work."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} exists and is not a directory")
    if (out / "manifest.json").is_file():
        from .._io import results_kind

        held = results_kind(out)
        if kind is None or held != kind:
            raise ValueError(f"--out {out} holds the results of another command "
                             f"({held or 'a manifest.json'}); choose another directory")


def _parse_int_list(text: str, what: str) -> list[int]:
    try:
        if "-" in text:
            lo, hi = (int(x) for x in text.split("-", 1))
            values = list(range(lo, hi + 1))
        else:
            values = [int(x) for x in text.split(",")]
    except ValueError:
        raise ValueError(f"{what} expects a range like 3-10 or a list like 3,5,8, got {text!r}") from None
    if not values or min(values) < 2 or max(values) > MAX_POWERS:
        raise ValueError(f"{what} values must be between 2 and {MAX_POWERS}, got {text!r}")
    return values


@app.command("intent")
def intent_cmd(
    systems: Annotated[int, typer.Option(help="Systems per cell and policy.")] = 200,
    years: Annotated[int, typer.Option(help="Years per system.")] = 200,
    powers: Annotated[str, typer.Option(help="Numbers of equal powers, comma-separated.")] = "3,5,7,9",
    seed: Seed = DEFAULT_SEED,
    out: Annotated[Path | None, typer.Option(parser=_path, help="Figure path without extension.")] = None,
    as_json: Json = False,
    core: Core = None,
) -> None:
    """"Result" vs "intent": where does far-sighted interest alone produce Kaplan-like sparing?

    A phase diagram over discount factor x number of powers x elimination threshold."""
    from .._validation import check_int
    from ..experiments.balance import INTENT_DISCOUNTS, INTENT_THRESHOLDS, intent_phase_diagram

    systems, years = check_int(systems, "--systems", 1), check_int(years, "--years", 1)
    _check_core(core)
    ns = _parse_int_list(powers, "--powers")
    runs = len(ns) * len(INTENT_THRESHOLDS) * (len(INTENT_DISCOUNTS) + 2)  # + waltz and kaplan
    with _progress(runs * systems * years, "intent") as advance:
        df = intent_phase_diagram(n_powers=ns, systems=systems, years=years, seed=seed,
                                  progress=advance, core=core)
    if out is not None:
        from . import plots

        paths = plots.save(plots.intent_phase(df), out)
    if as_json:
        print(json.dumps(_records(df), default=_json_default))
        return
    cols = ["n_powers", "elimination_threshold", "discount", "waltz_survival", "kaplan_survival",
            "far_survival", "kaplan_sparing", "far_sparing", "kaplan_autonomy", "far_autonomy",
            "kaplan_like"]
    show(_df_table(df[cols], title=f"Result vs intent: equal powers, {systems} systems x "
                                   f"{years} years per cell, seed {seed}; Kaplan-like: survival "
                                   "and sparing within 0.05 of kaplan"))
    if out is not None:
        console.print("written " + ", ".join(str(p) for p in paths))


@app.command("scenarios")
def scenarios_cmd(
    export: Annotated[str | None, typer.Option(help="Print this scenario as a TOML file.")] = None,
    as_json: Json = False,
) -> None:
    """List the built-in scenarios and the claim each one tests (or --export one as TOML)."""
    from ..regimes.scenarios import builtin_scenarios

    if export is not None:
        from ..experiments.files import scenario_to_toml

        print(scenario_to_toml(export), end="")
        return
    sc = builtin_scenarios()
    if as_json:
        print(json.dumps([{"name": s.name, "description": s.description, "claim": s.claim}
                          for s in sc.values()]))
        return
    # One block per scenario: the name alone on its line (copied into commands, so
    # never wrapped), the claim below it, wrapped at word boundaries.
    console.print("[bold]Built-in scenarios[/bold] (regimes run NAME; --json for data)")
    for sc_ in sc.values():
        console.print(f"\n[bold]{sc_.name}[/bold]", soft_wrap=True, highlight=False)
        console.print(f"  policy {sc_.policy.label}, regime "
                      f"{sc_.regime.name if sc_.regime else '-'}, {sc_.years} years",
                      highlight=False)
        console.print(f"  claim: {sc_.claim}", highlight=False)


@app.command("run")
def run_cmd(
    name: Annotated[str, typer.Argument(help="Scenario name (see `regimes scenarios`) or a "
                                           "scenario file FILE.toml.")],
    seed: Annotated[int | None, typer.Option(
        help=f"Root seed (default: the scenario file's seed, else {DEFAULT_SEED}); an explicit "
             "value wins.")
    ] = None,
    systems: Annotated[int | None, typer.Option(help="Runs (default: the scenario's).")] = None,
    years: Annotated[int | None, typer.Option(help="Years (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(parser=_path, help="Write Parquet tables here.")] = None,
    dyadic: Annotated[str | None, typer.Option(
        help="Dyadic strategy of every power, or one per power: Defector,Tit For Tat,...")] = None,
    core: Core = None,
    growth: Growth = None,
    as_json: Json = False,
) -> None:
    """Run a scenario and its norm-free counterfactual; print outcomes with 95% CIs.

    A scenario with a regime first prints what the regime does while its norms
    bind: the paired effect on wars against the same seeds without norms, the
    share of its years with anything to restrain, tenure and hazard, and the
    autonomy index with its numerator and denominator.

    Scenarios dated from 1816 also print history as a predictive distribution
    (P(no great-power war 1816-1852), P(at least 3 wars 1853-1870), first-war
    percentiles, P(all 1816 great powers alive in 1914), the joint record,
    wars per pair-year) with likelihood ratios; with the crisis core, the
    crises against the MID record of 1816-1913 too."""
    from ..regimes.history import (
        cold_war_check,
        covers_record,
        crisis_check,
        dyad_crisis_check,
        great_powers_only,
        history_check,
        state_system_check,
        state_system_era,
    )
    from ..regimes.scenarios import get_scenario

    if name.endswith(".toml"):
        from ..experiments.files import load_scenario_file

        scn, file_seed = load_scenario_file(name)
        if seed is None:
            seed = file_seed
    else:
        scn = get_scenario(name)
    if dyadic is not None:
        from dataclasses import replace

        scn = replace(scn, dyadic=_parse_dyadic(dyadic, scn.system.n_powers))
    if core is not None:
        from dataclasses import replace

        scn = replace(scn, system=scn.system.with_(core=core))
    if growth is not None:
        scn = scn.with_parts(scn.system.with_(growth=growth), scn.policy, scn.regime, scn.dyadic)
    import time

    seed = DEFAULT_SEED if seed is None else seed
    _check_out_file(out, "scenario")
    t0 = time.perf_counter()
    n_sys = systems if systems is not None else scn.systems
    n_years = years if years is not None else scn.years
    with _progress(2 * n_sys * n_years, f"run {scn.name}") as advance:
        r = scn.run(seed=seed, systems=systems, years=years, progress=advance)
    outcomes = r.outcomes()
    channels = r.channels()
    effects = r.regime_effects()
    causes = None
    if len(effects):
        from ..regimes.effects import breakdown_causes

        causes = breakdown_causes(r.regime_breakdowns())
    history = (history_check(r) if covers_record(scn.start_year, r.result.years)
               and great_powers_only(scn.system) else None)
    state_system = None
    era = state_system_era(scn.start_year, r.result.years)
    if scn.system.geography == "capitals" and not great_powers_only(scn.system) and \
            era is not None:
        state_system = state_system_check(r.result, scn.start_year, end=era[1])
        from importlib.util import find_spec

        if int(r.result.measures["war"].sum()) >= 10 and find_spec("powerlaw") is not None:
            import pandas as pd

            from ..experiments.powerlaw import war_size_check

            state_system = pd.concat([state_system, war_size_check(r.result.measures)],
                                     ignore_index=True)
    crises = (crisis_check(r) if history is not None and scn.system.core == "crisis"
              else None)
    dyad = (dyad_crisis_check(r) if scn.system.core == "crisis" and len(scn.system.nuclear) >= 2
            else None)
    era2 = None
    if scn.start_year <= 1946 and scn.start_year + r.result.years - 1 >= 1991 and \
            scn.system.names[:2] == ("USA", "RUS"):
        era2 = cold_war_check(r.result, scn.start_year)
    extra = {"channels": channels}
    if era2 is not None:
        extra["cold_war"] = era2
    if state_system is not None:
        extra["state_system"] = state_system
    if len(effects):
        extra["regime_effects"] = effects
        extra["regime_breakdowns"] = causes
    if history is not None:
        extra["history"] = history
    if crises is not None:
        extra["crises"] = crises
    if dyad is not None:
        extra["dyad_crises"] = dyad
    if out is not None:
        r.to_parquet(out, extra=extra, run_seconds=time.perf_counter() - t0)
    if as_json:
        payload = {"scenario": scn.name, "seed": r.seed, "outcomes": outcomes.to_dict("records"),
                   "channels": channels.to_dict("records")}
        if len(effects):
            payload["regime_effects"] = effects.to_dict("records")
            payload["regime_breakdowns"] = _records(causes)
        if history is not None:
            payload["history"] = history.to_dict("records")
        if crises is not None:
            payload["crises"] = crises.to_dict("records")
        if dyad is not None:
            payload["dyad_crises"] = dyad.to_dict("records")
        if era2 is not None:
            payload["cold_war"] = era2.to_dict("records")
        if state_system is not None:
            payload["state_system"] = _records(state_system)
        print(json.dumps(payload, default=float))
        return
    console.print(f"[bold]{scn.name}[/bold]: {scn.description}\nclaim: {scn.claim}")
    if len(effects):
        show(_df_table(effects.drop(columns=["meaning"]),
                       title="What the regime does while its norms bind (the years after it "
                             "is in force), against the same seeds without norms; "
                             "ScenarioResult.regime_effects() says what each row means"))
        show(_df_table(causes, title="What ended each spell in force (first that holds: a "
                                     "member war that year, a domestic change, a revisionist "
                                     "turn, trust below the threshold, else the weights: "
                                     "fading memory or "
                                     "relative decline); ScenarioResult.regime_breakdowns()"))
    show(_df_table(outcomes, title=f"{r.result.n_systems} runs x {r.result.years} years, "
                                            f"seed {r.seed}; 'without_norms' = same seeds, "
                                            "norms stripped"))
    show(_df_table(channels, title="Wars per run, with minus without norms, by channel"))
    if history is not None:
        show(_df_table(history.drop(columns=["description"]),
                                title="History as a predictive distribution (COW 1816-1913); "
                                      "likelihood_ratio = P(record | norms) / P(record | none)"))
        note = _likelihood_note(history)
        if note:
            console.print(note)
    if era2 is not None:
        show(_df_table(era2, title="The second era's record (COW 1946-1991) as a predictive "
                                   "distribution (with the norms, where there are any)"))
    if state_system is not None:
        show(_df_table(state_system.drop(columns=["description"]),
                       title=f"The whole state system against COW {era[0]}-"
                             f"{era[1]}: dangerous dyads (onset rate ratios, "
                             "90% intervals: COW over pairs, the model over runs), the "
                             "survival of great and minor powers and the war-size tail"))
    if dyad is not None:
        show(_df_table(dyad.drop(columns=["description"]),
                       title=f"The nuclear pair's crises against {dyad.attrs['record']} (MID), "
                             "yearly rates; rank = share of runs at or below the record"))
    if crises is not None:
        show(_df_table(crises.drop(columns=["description"]),
                       title="Crises against the MID record (great-power disputes); rank = "
                             "share of runs at or below the record"))
    if out is not None:
        console.print(f"Parquet written to {out}")


def _parse_dyadic(text: str, n: int):
    """``NAME`` for every power, or ``NAME,NAME,...`` (one per power).

    Unknown names are reported by the library when the run starts."""
    names = [x.strip() for x in text.split(",")]
    if len(names) == 1:
        return names[0]
    if len(names) != n:
        raise ValueError(f"--dyadic: expected one strategy or {n} (one per power), got {len(names)}")
    return tuple(names)


@app.command("schelling")
def schelling_cmd(
    name: Annotated[str, typer.Argument(help="Scenario name.")] = "concert_of_europe",
    powers: Annotated[int | None, typer.Option(help="Number of powers (default: scenario's).")] = None,
    pair: Annotated[str | None, typer.Option(help="One ordered pair of power indices, e.g. 0,1 "
                                             "(default: mean over all pairs).")] = None,
) -> None:
    """Schelling's binary-choice diagram for the stage game a scenario's powers play."""
    from ..regimes.scenarios import schelling

    pr = None
    if pair is not None:
        try:
            pr = tuple(int(x) for x in pair.split(","))
        except ValueError:
            raise ValueError(f"--pair expects two power indices like 0,1, got {pair!r}") from None
        if len(pr) != 2:
            raise ValueError(f"--pair expects two power indices like 0,1, got {pair!r}")
    df = schelling(name, powers, pr)
    show(_df_table(df, title=f"Payoff to restraint and expansion, shares of own "
                                      f"capability ({df.attrs['game']}); critical mass: "
                                      f"{df.attrs['critical_mass']}"))


@app.command("dilemmas")
def dilemmas_cmd(
    name: Annotated[str, typer.Argument(help="Scenario name or scenario file FILE.toml.")
                    ] = "concert_of_europe",
    core: Core = None,
    as_json: Json = False,
) -> None:
    """The stage game of every ordered pair of a scenario's powers in the first year,
    and which pairs face a dilemma (prisoner's dilemma, stag hunt or chicken)."""
    from ..regimes.scenarios import pair_games

    _check_core(core)
    scn = name
    if name.endswith(".toml"):
        from ..experiments.files import load_scenario_file

        scn, _ = load_scenario_file(name)
    df = pair_games(scn, core)
    if as_json:
        print(json.dumps({"scenario": name, "core": df.attrs["core"],
                          "pairs": df.to_dict("records")}, default=float))
        return
    units = ("units of the disputed good" if df.attrs["core"] == "crisis"
             else "shares of the row power's capability")
    show(_df_table(df, title=f"{name}, {df.attrs['core']} core: first-year stage game per "
                             f"ordered pair ({units}); {int(df.dilemma.sum())} of {len(df)} "
                             "pairs face a dilemma"))


@app.command("paradox")
def paradox_cmd(
    systems: Annotated[int, typer.Option(help="Runs per world.")] = 1000,
    years: Annotated[int, typer.Option(help="Years per run.")] = 50,
    seed: Seed = DEFAULT_SEED,
    core: Core = None,
    as_json: Json = False,
) -> None:
    """Stability-instability paradox: superpower_bipolar with and without nuclear weapons."""
    from .._validation import check_int
    from ..regimes.scenarios import stability_instability

    _check_core(core)
    systems, years = check_int(systems, "--systems", 1), check_int(years, "--years", 1)
    with _progress(2 * systems * years, "paradox") as advance:
        df = stability_instability(systems, years, seed, core, progress=advance)
    if as_json:
        print(json.dumps(df.to_dict("records"), default=float))
        return
    show(_df_table(df, title=f"Wars per year, {systems} runs x {years} years, seed {seed}"))


@app.command("tails")
def tails_cmd(
    scenarios: Annotated[str, typer.Option(help="Scenarios whose war sizes to fit, comma-separated.")
                         ] = "waltz_balance,kaplan_balance,concert_of_europe",
    systems: Annotated[int, typer.Option(help="Runs per scenario.")] = 500,
    years: Annotated[int | None, typer.Option(help="Years per run (default: the scenario's).")] = None,
    seed: Seed = DEFAULT_SEED,
    out: Annotated[Path | None, typer.Option(parser=_path, help="Write tails.csv here.")] = None,
    core: Core = None,
    as_json: Json = False,
) -> None:
    """War-size tails: Clauset-Shalizi-Newman fits (powerlaw package) of simulated
    war sizes and of COW battle deaths, with likelihood-ratio tests.
    ``--scenarios state_system_1816`` fits the whole state system of 1816."""
    from .._validation import check_int
    from ..experiments.powerlaw import war_size_tails
    from ..regimes.scenarios import get_scenario

    systems = check_int(systems, "--systems", 1)
    if years is not None:
        years = check_int(years, "--years", 1)
    names = [x.strip() for x in scenarios.split(",") if x.strip()]
    if not names:
        raise ValueError(f"--scenarios: expected scenario names, comma-separated, got {scenarios!r}")
    scns = [get_scenario(n) for n in names]  # unknown names: one line, before any work
    _check_core(core)
    _check_out_file(out)
    with _progress(2 * len(scns) + 1, "tails: simulate and fit", unit="steps") as advance:
        df = war_size_tails(names, systems=systems, years=years, seed=seed, progress=advance,
                            core=core)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        df.to_csv(out / "tails.csv", index=False)
    if as_json:
        print(json.dumps({"seed": seed, "systems": systems, "tails": _records(df)},
                         default=_json_default))
        return
    show(_df_table(df, title=f"War-size tails: {systems} runs per scenario, seed {seed}; "
                             "R > 0 favours the power law over the alternative"))


@app.command("knobs")
def knobs_cmd(
    systems: Annotated[int, typer.Option(help="Runs per knob value.")] = 300,
    years: Annotated[int, typer.Option(help="Years per run.")] = 100,
    seed: Seed = DEFAULT_SEED,
    out: Annotated[Path | None, typer.Option(parser=_path, help="Write knobs.csv here.")] = None,
    as_json: Json = False,
) -> None:
    """Turn Jervis's three knobs from the economic (0) to the security setting (1).

    One at a time and all together, on the same seeds; reports the share of runs
    in which the regime forms, years in force, cooperation and conflict per
    pair-year, with 95% intervals."""
    from .._validation import check_int
    from ..regimes.scenarios import KNOB_VALUES, KNOBS, knobs_experiment

    systems, years = check_int(systems, "--systems", 1), check_int(years, "--years", 1)
    _check_out_file(out)
    with _progress((len(KNOBS) + 1) * len(KNOB_VALUES) * systems * years, "knobs") as advance:
        df = knobs_experiment(systems=systems, years=years, seed=seed, progress=advance)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        df.to_csv(out / "knobs.csv", index=False)
    if as_json:
        print(json.dumps({"seed": seed, "systems": systems, "years": years,
                          "knobs": _records(df)}, default=_json_default))
        return
    cols = ["knob", "value"]
    for c in ("formed", "regime_years", "cooperation", "conflict"):
        cols += [c, f"{c}_lo", f"{c}_hi"]
    show(_df_table(df[cols], title=f"From the economic setting (0) to security (1): {systems} "
                                   f"runs x {years} years, seed {seed}"))


def _address_needs_dask(address: str | None, executor: str) -> None:
    if address is not None and executor != "dask":
        raise ValueError(f"--address {address} is a Dask scheduler: add --executor dask "
                         f"(the {executor} executor does not use it)")


@app.command("sweep")
def sweep_cmd(
    file: Annotated[Path, typer.Argument(parser=_path, help="Sweep file (TOML).")],
    out: Annotated[Path, typer.Option(parser=_path, help="Results directory.")],
    executor: Annotated[str, typer.Option(
        help="auto | serial | process | dask (auto: process, or serial for a sweep too small "
             "to pay for starting processes)")] = "auto",
    address: Annotated[str | None, typer.Option(help="Dask scheduler, tcp://host:port "
                                                "(default: a local cluster).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Processes computing chunks, this one included (default: all cores).")] = None,
    chunk_size: Annotated[int | None, typer.Option(help="Runs per chunk (overrides the file).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted sweep in --out.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress output.")] = False,
) -> None:
    """Run a parameter sweep into a crash-safe results directory."""
    from ..experiments.store import SweepInterrupted, run_sweep

    _address_needs_dask(address, executor)
    try:
        r = run_sweep(file, out, executor=executor, address=address, resume=resume,
                      quiet=quiet, workers=workers, chunk_size=chunk_size)
    except SweepInterrupted as e:
        raise _Interrupted(str(e)) from None  # typer would swallow a KeyboardInterrupt's message
    if not quiet:
        console.print(f"{r.n_runs} runs in {r.out} ({r.chunks_run} chunks run, "
                      f"{r.chunks_skipped} already done) in {r.seconds:.1f} s with the "
                      f"{r.executor} executor; store {r.store_seconds:.2f} s")


@app.command("calibrate")
def calibrate_cmd(
    file: Annotated[Path, typer.Argument(parser=_path, help="Calibration file (TOML).")],
    out: Annotated[Path, typer.Option(parser=_path, help="Calibration directory.")],
    executor: Annotated[str, typer.Option(help="serial | process | dask")] = "process",
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")] = None,
    address: Annotated[str | None, typer.Option(help="Dask scheduler, tcp://host:port "
                                                "(default: a local cluster).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue a killed calibration in --out.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress output.")] = False,
) -> None:
    """Fit a scenario to COW history by ABC-SMC (pyabc); predict a held-out period."""
    from ..experiments.calibrate import finished_generations, run_calibration

    _address_needs_dask(address, executor)
    try:
        d = run_calibration(file, out, executor=executor, workers=workers, address=address,
                            resume=resume, quiet=quiet)
    except KeyboardInterrupt:
        n = finished_generations(out / "calibration.db")
        raise _Interrupted(f"{n} generations are finished in {out}; continue with: regimes "
                           f"calibrate {file} --out {out} --resume") from None
    import pandas as pd

    ppc = pd.read_parquet(d / "ppc.parquet")
    show(_df_table(ppc.drop(columns=["years"]), title="Posterior predictive check: 90% "
                   "interval of one simulated history against the record", floatfmt="{:.4g}"))
    console.print(f"written {d / 'posterior.parquet'}, {d / 'ppc.parquet'}, "
                  f"{d / 'calibrated.toml'}; report: regimes report {d}")


@app.command("contrasts")
def contrasts_cmd(
    directory: Annotated[Path, typer.Argument(parser=_path, help="A finished calibration directory.")],
    draws: Annotated[int, typer.Option(help="Posterior draws.")] = 50,
    systems: Annotated[int, typer.Option(help="Systems per scenario and draw.")] = 50,
    seed: Seed = DEFAULT_SEED,
    as_json: Json = False,
) -> None:
    """Do the headline contrasts of docs/theory.md hold across the posterior?"""
    from .._io import write_parquet
    from ..experiments.contrasts import contrasts_over_posterior

    with _progress(draws, "contrasts", unit="draws") as advance:
        values, summary = contrasts_over_posterior(directory, draws=draws, systems=systems,
                                                   seed=seed, progress=advance)
    write_parquet(values, Path(directory) / "contrasts.parquet")
    write_parquet(summary, Path(directory) / "contrasts_summary.parquet")
    if as_json:
        print(json.dumps(_records(summary), default=_json_default))
        return
    show(_df_table(summary.drop(columns=["positive_means"]),
                   title=f"Headline contrasts over {draws} posterior draws ({systems} systems "
                         f"each, seed {seed}); positive = the direction docs/theory.md reports"))
    for row in summary.itertuples(index=False):
        console.print(f"  {row.contrast}: positive means {row.positive_means}", highlight=False)


@app.command("claims")
def claims_cmd(
    systems: Annotated[int, typer.Option(help="Runs per scenario at the default set.")] = 1000,
    seed: Seed = DEFAULT_SEED,
    posterior: Annotated[Path | None, typer.Option(
        parser=_path, help="A finished calibration directory: also run every contrast under "
                           "draws of its posterior.")] = None,
    draws: Annotated[int, typer.Option(help="Posterior draws (with --posterior).")] = 50,
    posterior_systems: Annotated[int, typer.Option(
        help="Runs per scenario and posterior draw.")] = 50,
    out: Annotated[Path | None, typer.Option(
        parser=_path, help="Write claims.json, claims.csv and contrasts.csv here.")] = None,
    as_json: Json = False,
) -> None:
    """Every headline claim of docs/theory.md at the default set: each contrast with
    its 95% interval and verdict, each claim's verdict, and (with --posterior) the
    share of posterior draws under which it holds."""
    from .._validation import check_int
    from ..experiments.claims import run_claims

    systems = check_int(systems, "--systems", 2)
    if posterior is not None:
        from ..experiments.contrasts import check_posterior

        check_posterior(posterior)
        draws = check_int(draws, "--draws", 2, 10_000)
        posterior_systems = check_int(posterior_systems, "--posterior-systems", 1)
    _check_out_file(out)
    with _progress(1 + (draws if posterior is not None else 0), "claims",
                   unit="runs of every scenario") as advance:
        res = run_claims(systems=systems, seed=seed, posterior=posterior, draws=draws,
                         posterior_systems=posterior_systems, progress=advance)
    if out is not None:
        from .._io import write_text

        out.mkdir(parents=True, exist_ok=True)
        write_text(json.dumps(res.to_records(), indent=1, default=_json_default) + "\n",
                   out / "claims.json")
        res.claims.to_csv(out / "claims.csv", index=False)
        res.contrasts.to_csv(out / "contrasts.csv", index=False)
    if as_json:
        print(json.dumps(res.to_records(), default=_json_default))
        return
    show(_df_table(res.contrasts.drop(columns=["positive_means"]),
                   title=f"Contrasts at the default set ({systems} runs per scenario, seed "
                         f"{seed}); positive = the direction docs/theory.md reports",
                   floatfmt="{:.4g}"))
    show(_df_table(res.claims.drop(columns=["page"]), title="Claims"))
    rec = res.record.set_index("statistic").with_norms
    console.print(f"At this set the Concert scenario gives P(no great-power war 1816-1852) "
                  f"{rec['p_no_war_1816_1852']:.3f} and P(the joint record of 1816-1913) "
                  f"{rec['p_joint_record']:.3f}; both happened.", highlight=False)
    for row in res.contrasts.itertuples(index=False):
        console.print(f"  {row.contrast}: positive means {row.positive_means}", highlight=False)


@app.command("identify")
def identify_cmd(
    file: Annotated[Path, typer.Argument(parser=_path, help="Calibration file (TOML).")],
    samples: Annotated[int, typer.Option(help="Saltelli base samples N (N x (D + 2) runs).")] = 32,
    systems: Annotated[int | None, typer.Option(help="Systems per point (default: the file's).")] = None,
    as_json: Json = False,
) -> None:
    """Which parameters can the record pin down? Sobol indices of each statistic."""
    from ..experiments.calibrate import identifiability, load_calibration_file

    model, _ = load_calibration_file(file)
    total = samples * (len(model.parameters) + 2)
    with _progress(total, "identify", unit="points") as advance:
        df = identifiability(file, samples=samples, systems=systems, progress=advance)
    if as_json:
        print(json.dumps(_records(df), default=_json_default))
        return
    show(_df_table(df, title=f"Sobol indices of the fitted statistics over the priors "
                             f"({total} points, fit period {model.fit[0]}-{model.fit[1]}); "
                             "ST near 0: the statistic says nothing about the parameter"))


@app.command("query")
def query_cmd(
    directory: Annotated[Path, typer.Argument(parser=_path, help="Sweep results directory.")],
    sql: Annotated[str, typer.Argument(help="DuckDB SQL over tables runs, years, points.")],
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    limit: Annotated[int | None, typer.Option(
        help=f"Rows to print at most (default: {QUERY_ROWS:,} for the table, all with --csv; "
             "0: all).")] = None,
    timeout: Annotated[float, typer.Option(
        help="Stop the query after this many seconds (0: no limit).")] = 600.0,
) -> None:
    """Query a sweep's results with SQL (DuckDB)."""
    from .._validation import check_finite, check_int
    from ..experiments.store import query

    if limit is not None:
        check_int(limit, "--limit", 0)
    if not 0 <= check_finite(timeout, "--timeout") < 1e8:
        raise ValueError(f"--timeout must be a number of seconds >= 0, got {timeout!r}")
    rows = (None if csv else QUERY_ROWS) if limit is None else (limit or None)
    df = query(directory, sql, limit=rows, timeout=timeout or None)
    if csv:
        print(df.to_csv(index=False), end="")
    else:
        show(_df_table(df, floatfmt="{:.4g}"))
    if df.attrs.get("truncated"):
        typer.echo(f"first {rows:,} rows shown; --limit N shows more (0: all), or add a LIMIT "
                   "or an aggregate to the query", err=csv)


@app.command("sensitivity")
def sensitivity_cmd(
    directory: Annotated[Path, typer.Argument(parser=_path, help="Results of a sweep with design = sobol.")],
    outcome: Annotated[str, typer.Option(help="Run-level outcome, e.g. regime_autonomy.")] = "regime_autonomy",
    as_json: Json = False,
) -> None:
    """First- and total-order Sobol indices (SALib) of an outcome."""
    from ..experiments.store import sensitivity

    df = sensitivity(directory, outcome)
    if as_json:
        print(df.to_json(orient="records"))
    else:
        show(_df_table(df, title=f"Sobol indices of {outcome} (95% conf.)"))
    note = _noise_note(df.attrs)
    if note:  # under the table, or on stderr so that --json stays one document
        typer.echo(note, err=as_json)


def _noise_note(a: dict) -> str:
    """What the indices can be trusted for, from :func:`sensitivity`'s ``attrs``."""
    import math

    share = a["noise_share"]
    if a["replicates"] < 2:
        note = ("One replicate a point: replicate noise cannot be measured, and the model's "
                "randomness counts as an effect of the parameters.")
    elif math.isnan(share):
        note = ""
    else:
        note = (f"Replicate noise is {100 * share:.0f}% of the variance of the {a['points']:,} "
                f"point means ({a['replicates']} replicates a point).")
        if share > 0.5:
            note += (" The indices mostly measure noise: raise replicates (or widen the "
                     "ranges) until this share is small.")
    if a["imputed"]:
        note += (f" {a['imputed']} point(s) never had this outcome and were given the mean "
                 "of the others.")
    return note.strip()


def _summarise_runs(summary):
    """Mean and 95% confidence interval of each run-level outcome."""
    import numpy as np
    import pandas as pd

    rows = []
    for col in ("war_frequency", "wars_per_dyad_year", "mean_war_size", "essential_survival",
                "continuous_survival", "all_survive_continuously", "restorations",
                "eliminations_per_century", "hegemony", "cooperation_rate",
                "cooperation_per_pair_year", "final_con"):
        x = summary[col].astype(float)
        valid = x.dropna()
        n = len(valid)
        mean = valid.mean() if n else float("nan")
        half = 1.96 * valid.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
        rows.append({"outcome": col, "mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                     "runs": n})
    return pd.DataFrame(rows)


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Interface to bind (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8501,
    results: Annotated[Path | None, typer.Option(parser=_path, 
        help="Directory whose sweeps the explorer may browse (default: results).")] = None,
) -> None:
    """Serve the interactive explorer (Streamlit) on http://HOST:PORT."""
    from .web import is_loopback, serve

    if not 1 <= port <= 65535:
        raise ValueError(f"--port must be in [1, 65535], got {port}")
    import socket

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValueError(f"--host {host!r} is not an address or name this machine can "
                         "bind (e.g. 127.0.0.1)") from None
    if results is not None and not results.is_dir():
        raise ValueError(f"--results {results}: no such directory (make one with "
                         "`regimes sweep ... --out results/NAME`)")
    results = Path("results") if results is None else results
    if not is_loopback(host):
        err.print(f"warning: binding to {host} exposes the explorer to the network; "
                  "it has no authentication", highlight=False)
    console.print(f"explorer on http://{host}:{port} (Ctrl-C to stop)")
    serve(host, port, results)


@app.command("plot")
def plot_cmd(
    directory: Annotated[Path, typer.Argument(parser=_path, help="Sweep results directory.")],
    outcome: Annotated[str, typer.Option(help="Run-level outcome kept by the sweep.")],
    x: Annotated[str, typer.Option(help="Parameter for the x axis.")],
    y: Annotated[str | None, typer.Option(help="Second parameter (gives a heat map).")] = None,
    out: Annotated[Path, typer.Option(parser=_path, help="Figure path without extension (PNG and SVG).")] = Path(
        "figure"),
) -> None:
    """Plot a sweep outcome against one or two parameters (PNG and SVG)."""
    from ..experiments.store import load
    from . import plots

    data = load(directory)
    paths = plots.save(plots.sweep_outcome(data.runs, outcome, x, y), out)
    console.print("written " + ", ".join(str(p) for p in paths))


@app.command("discover")
def discover_cmd(
    directory: Annotated[Path, typer.Argument(parser=_path, help="Sweep results directory.")],
    outcome: Annotated[str, typer.Option(help="Run-level outcome kept by the sweep.")] = "regime_holds",
    threshold: Annotated[float | None, typer.Option(
        help="Cases of interest: outcome above this (needed unless the outcome is true/false).")
    ] = None,
    below: Annotated[bool, typer.Option("--below", help="Look for outcome below --threshold.")] = False,
    min_density: Annotated[float, typer.Option(
        help="Report the box of highest coverage with at least this density.")] = 0.8,
    out: Annotated[Path | None, typer.Option(parser=_path, 
        help="Figure path without extension (default: DIR/discover-OUTCOME).")] = None,
    as_json: Json = False,
) -> None:
    """Scenario discovery: PRIM finds the parameter ranges where the outcome occurs."""
    from .._validation import check_probability
    from ..experiments.ema import discover
    from . import plots

    check_probability(min_density, "--min-density")
    d = discover(directory, outcome, threshold=threshold, below=below, min_density=min_density)
    fig_path = out if out is not None else Path(directory) / f"discover-{outcome}"
    paths = plots.save(plots.prim_box(d), fig_path)
    if as_json:
        print(json.dumps({"rule": d.rule, "coverage": d.coverage, "density": d.density,
                          "min_density": d.min_density, "reached": d.reached,
                          "mass": d.mass, "base_rate": d.base_rate, "runs": d.n_runs,
                          "box": _records(d.limits), "figure": [str(p) for p in paths]},
                         default=_json_default))
        return
    show(_df_table(d.limits, title=f"PRIM box where {d.rule} ({d.n_runs} runs)",
                   floatfmt="{:.4g}"))
    console.print(f"coverage {d.coverage:.3f} (share of the cases inside the box), density "
                  f"{d.density:.3f} (share of the box's runs that are cases; base rate "
                  f"{d.base_rate:.3f}), mass {d.mass:.3f}")
    if not d.reached:
        console.print(f"no box reached density {d.min_density:g}: this is the densest box the "
                      "peeling found")
    console.print("written " + ", ".join(str(p) for p in paths))


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(parser=_path, help="A results directory (sweep, scenario or demo).")],
    out: Annotated[Path | None, typer.Option(parser=_path, help="HTML file (default: DIR/report.html).")] = None,
) -> None:
    """Write one self-contained HTML report (figures embedded) for a results directory."""
    from .report import write_report

    path = write_report(directory, out)
    console.print(f"report written to {path}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(parser=_path, help="Directory for the demo's outputs.")] = Path(
        "results/demo"
    ),
    seed: Seed = DEFAULT_SEED,
    systems: Annotated[int, typer.Option(help="Runs per scenario.")] = 300,
) -> None:
    """Run the main job on built-in defaults and write an HTML report."""
    from .demo import run_demo

    path = run_demo(out, seed=seed, systems=systems, console=console)
    console.print(f"[bold]report:[/bold] {path.resolve()}")


@app.command("compile")
def compile_cmd(as_json: Json = False) -> None:
    """Compile every kernel into numba's on-disk cache, so that the first run after
    installation loads it instead of compiling (about 30 s, once; `make setup` runs this)."""
    from ..experiments.warm import warm_start

    steps = warm_start(progress=None if as_json else
                       (lambda label: console.print(f"compiling: {label}")))
    if as_json:
        print(json.dumps({"seconds": steps}))
        return
    console.print(f"kernels compiled and cached in {sum(steps.values()):.1f} s")


def _click_exceptions():
    """The click exception modules in use: typer >= 0.25 vendors click as ``typer._click``."""
    mods = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            mods.append(__import__(name, fromlist=["UsageError"]))
        except ImportError:  # pragma: no cover - depends on the typer version
            pass
    return mods


def _classes(name: str) -> tuple[type, ...]:
    return tuple(getattr(m, name) for m in _click_exceptions() if hasattr(m, name))


def _usage_line(e) -> str:
    """One line for a usage error: what, where, and the closest valid choice."""
    from .._validation import closest_hint

    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "regimes"
    command = ctx.command if ctx is not None else None
    if where == "regimes":  # errors raised while parsing a subcommand can carry the root
        sub = next((a for a in sys.argv[1:] if a in app_commands()), None)
        if sub is not None:
            where = f"regimes {sub}"
            command = None
    see = f"(see {where} --help)"
    name = type(e).__name__
    if name == "NoSuchOption":
        opts = [o for p in (command.params if command is not None else [])
                for o in getattr(p, "opts", []) if o.startswith("--")]
        theirs = sorted(e.possibilities or [])  # click's own guesses, if ours find nothing
        hint = closest_hint(e.option_name, opts, cutoff=0.5) or (
            f"; closest: {', '.join(theirs)}" if theirs else "")
        return f"{where}: no such option {e.option_name}{hint} {see}"
    msg = getattr(e, "message", None) or str(e)
    m = re.match(r"No such command ['\"](.*?)['\"]", msg)
    if m:
        hint = closest_hint(m.group(1), app_commands(), cutoff=0.5)
        return f"{where}: no such command {m.group(1)!r}{hint} {see}"
    if name == "MissingParameter" and getattr(e, "param", None) is not None:
        p = e.param
        label = (f"argument {p.name.upper()}" if p.param_type_name == "argument"
                 else f"option {'/'.join(p.opts)}")
        return f"{where}: missing {label} {see}"
    text = " ".join(e.format_message().split())
    return f"{where}: {text} {see}"


def app_commands() -> list[str]:
    """The names of the subcommands, as typed at the shell."""
    return sorted(c.name or c.callback.__name__.replace("_", "-")
                  for c in app.registered_commands)


class _Interrupted(Exception):
    """Ctrl-C with an account of what was kept (typer turns KeyboardInterrupt into a bare 130)."""


#: OS errors that come from what the user typed (exit 2), not from the machine (exit 1).
_INPUT_ERRNOS = {errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EINVAL,
                 errno.ELOOP}


def main() -> None:
    """Entry point: one clear line on bad input (exit 2) and on Ctrl-C (exit 130)."""
    exit_types = _classes("Exit") + (typer.Exit,)
    abort_types = _classes("Abort") + (typer.Abort,)
    usage_types = _classes("UsageError")
    click_types = _classes("ClickException")
    try:
        rc = app(standalone_mode=False)
    except exit_types as e:
        rc = e.exit_code
    except _Interrupted as e:
        _interrupted(str(e))
    except KeyboardInterrupt:
        rc = 130
    except abort_types:
        err.print("aborted", highlight=False)
        sys.exit(130)
    except usage_types as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `regimes`: the help is the answer
            print(e.format_message())
            sys.exit(0)
        err.print(f"error: {_usage_line(e)}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except click_types as e:
        err.print(f"error: {' '.join(e.format_message().split())}", highlight=False,
                  soft_wrap=True)
        sys.exit(e.exit_code)
    except (ValueError, FileNotFoundError, NotADirectoryError, FileExistsError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        err.print(f"error: {msg}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except TimeoutError as e:  # a time limit the user set (query --timeout)
        err.print(f"error: {e}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except OSError as e:  # a name the system refuses (too long, a directory) or a fault
        name = str(e.filename or "")
        name = name if len(name) <= 80 else name[:60] + f"... ({len(name):,} characters)"
        what = e.strerror or type(e).__name__
        err.print(f"error: {name + ': ' if name else ''}{what}", highlight=False, soft_wrap=True)
        sys.exit(2 if e.errno in _INPUT_ERRNOS else 1)
    except ImportError as e:  # a broken installation (e.g. numba missing): say so in one line
        err.print(f"error: {str(e).splitlines()[0]}", highlight=False, soft_wrap=True)
        sys.exit(1)
    if rc == 130:  # typer turns Ctrl-C into a returned 130; outputs are written at the end
        _interrupted("stopped before writing its outputs; files written earlier are intact")
    sys.exit(rc if isinstance(rc, int) else 0)


def _interrupted(msg: str) -> None:
    """Exit 130 (128 + SIGINT) with one line saying what was kept."""
    err.print(f"interrupted: {msg}", highlight=False, soft_wrap=True)
    sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["app", "main", "Path"]
