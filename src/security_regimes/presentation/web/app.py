"""The security-regimes explorer (a Streamlit script; start it with ``regimes web``).

Scenario mode: pick a built-in scenario, move the sliders (its parameters,
the balance-of-power policy, the dyadic strategy), run it with a seed, see
the figures and the outcome table, then step one run through its years
(Play, Pause, Step, Reset, with a play interval), its curves drawn in the
browser (Vega-Lite).  Sweep mode: browse a finished
sweep under the results directory given to ``regimes web --results``.
User input only selects among listed scenarios, directories and columns:
nothing typed reaches ``eval``, a shell or a path.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import replace
from pathlib import Path

import streamlit as st

from security_regimes._policies import NAMED_POLICIES
from security_regimes.games.strategies import STRATEGY_NAMES
from security_regimes.presentation import plots
from security_regimes.regimes.scenarios import builtin_scenarios
from security_regimes.system import Policy

ap = argparse.ArgumentParser()
ap.add_argument("--results", default="results")
ARGS, _ = ap.parse_known_args()
RESULTS = Path(ARGS.results).resolve()

st.set_page_config(page_title="security-regimes explorer", layout="wide")
st.title("security-regimes explorer")
st.caption("Jervis, 'Security Regimes' (1982): run a scenario or browse a sweep.")

SCENARIOS = builtin_scenarios()
qp = st.query_params
_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:])")


def plain(text: str) -> str:
    """Text for a markdown element, shown literally (no links, images or formatting)."""
    return _MD.sub(r"\\\1", str(text))


def refused(what: str, value: str, available: list[str]) -> None:
    """An error box for an unknown request; the requested text is shown as plain text only."""
    st.error(f"{what} is not available; available: {plain(', '.join(available))}.")
    st.text(f"requested: {value}")


def _qp_int(key: str, default: int, lo: int, hi: int) -> int:
    try:
        return min(max(int(qp.get(key, default)), lo), hi)
    except ValueError:
        return default


def _qp_float(key: str, default: float, lo: float, hi: float) -> float:
    try:
        v = float(qp.get(key, default))
    except ValueError:
        return default
    return min(max(v, lo), hi) if v == v else default


@st.cache_data(show_spinner="running...", max_entries=32)
def run(name: str, systems: int, years: int, seed: int, misperception: float,
        relative_gains: float, learning: float | None, policy: str | None = None,
        dyadic: str | None = None, norms: tuple | None = None):
    scn = SCENARIOS[name]
    if norms is not None and scn.regime is not None:  # ((norm, strength), ...)
        scn = replace(scn, regime=scn.regime.with_norms(**dict(norms)))
    scn = replace(scn, system=replace(scn.system, misperception=misperception,
                                      relative_gains=relative_gains))
    if policy is not None and policy != scn.policy.name:
        scn = replace(scn, policy=Policy(policy))
    if dyadic is not None:
        scn = replace(scn, dyadic=dyadic)
    if learning is not None and scn.regime is not None:
        scn = replace(scn, regime=replace(scn.regime, conditions=replace(
            scn.regime.conditions, learning=learning)))
    r = scn.run(seed=seed, systems=systems, years=years)
    cf = r.counterfactual
    return (r.outcomes(), r.autonomy_by_year(), r.result.capability_frame(),
            r.result.per_year, scn.start_year, r.result.alliances(),
            cf.capability_frame(), cf.per_year, cf.alliances(), list(r.result.system.names),
            r.map_tables(), r.regime_effects())


def _shown(table):
    """A results table as text: floats to three decimals, missing values as "n/a"."""
    shown = table.copy()
    for col in shown.columns[1:]:  # missing values (no norms: no autonomy) as "n/a"
        shown[col] = shown[col].map(lambda v: "n/a" if v is None or v != v else (
            f"{v:.3f}" if isinstance(v, float) else str(v)))
    return shown


def _play(on: bool) -> None:
    st.session_state["playing"] = on


def _step(years: int, to: int | None = None) -> None:
    ss = st.session_state
    ss["playing"] = False
    ss["history_year"] = to if to is not None else min(ss.get("history_year", 1) + 1, years)


def yearly_chart(frames: dict, start: int, years: int, year: int):
    """Client-side (Vega-Lite) curves of the yearly means over runs, up to ``year``:
    cooperation, wars and states alive, one colour per variant (with, without norms)."""
    import altair as alt
    import pandas as pd

    rows = []
    for label, py in frames.items():
        m = py[py.year <= year].groupby("year")[["cooperation_rate", "war", "n_alive"]].mean()
        m = m.rename(columns={"cooperation_rate": "cooperation", "war": "share of runs at war",
                              "n_alive": "powers alive"}).reset_index()
        m["calendar year"] = start + m.year - 1
        rows.append(m.melt(["year", "calendar year"], var_name="measure").assign(variant=label))
    data = pd.concat(rows)
    return alt.Chart(data).mark_line(point=len(data) < 60).encode(
        x=alt.X("calendar year:Q", scale=alt.Scale(domain=[start, start + years - 1]),
                axis=alt.Axis(format="d")),
        y=alt.Y("value:Q", title=None), color="variant:N",
        tooltip=["variant", "calendar year", "measure", alt.Tooltip("value:Q", format=".3f")],
    ).properties(height=150, width=260).facet(column=alt.Column("measure:N", title=None)
                                                ).resolve_scale(y="independent")


def capability_chart(caps, system: int, start: int, years: int, year: int):
    """Client-side curves of one run's capabilities, power by power, up to ``year``."""
    import altair as alt

    c = caps[(caps.system == system) & (caps.year <= year)].copy()
    c["calendar year"] = start + c.year - 1
    return alt.Chart(c).mark_line().encode(
        x=alt.X("calendar year:Q", scale=alt.Scale(domain=[start - 1, start + years - 1]),
                axis=alt.Axis(format="d")),
        y=alt.Y("capability:Q", title="capability (share)"), color="power:N",
        tooltip=["power", "calendar year", alt.Tooltip("capability:Q", format=".3f")],
    ).properties(height=220)


def unfold(params, systems, years, start, caps, per_year, alliances, cf_caps, cf_years,
           cf_alliances, powers, maps, has_norms: bool) -> None:
    """Step through the run year by year (play, pause, step, reset).  The model's
    year ``t`` depends only on the years before it and its own draws (per-run,
    per-year counter streams), so showing year ``t`` of the run is the model
    stepped to ``t``: the same numbers, year by year."""
    ss = st.session_state
    if ss.get("unfolding") != params:  # a new run starts at its first year
        ss["unfolding"] = params
        ss["history_year"] = _qp_int("year", 1, 1, years)
        ss["playing"] = False
    st.subheader("One system as it unfolds" + (", with and without the norms" if has_norms
                                                else ""))
    st.caption(("The same run and seed in both columns: the only difference is the norms. "
                if has_norms else "") +
               "Play advances one year per interval; Step advances one year; Reset goes back "
               "to the first. Dotted lines: wars; black line: the year shown in the network.")
    b = st.columns([1, 1, 1, 1, 3])
    b[0].button("Play", on_click=_play, args=(True,), disabled=ss.get("playing", False))
    b[1].button("Pause", on_click=_play, args=(False,), disabled=not ss.get("playing", False))
    b[2].button("Step", on_click=_step, args=(years,))
    b[3].button("Reset", on_click=_step, args=(years, 1))
    b[4].slider("seconds per year (play)", 0.2, 3.0, 0.5, 0.1, key="interval")
    k = int(st.number_input("run", 0, systems - 1, _qp_int("system", 0, 0, systems - 1)))

    @st.fragment(run_every=ss["interval"] if ss.get("playing") else None)
    def year_view():
        if ss.get("playing"):  # a tick of the clock: the next year
            if ss["history_year"] >= years:
                ss["playing"] = False
                st.rerun()  # stop the clock
            ss["history_year"] += 1
        year = st.slider("year", 1, years, key="history_year")
        cal = start + year - 1
        frames = {"with norms": per_year, "without norms": cf_years} if has_norms else \
            {"this scenario": per_year}
        st.markdown(f"**{cal}**: means over the {systems} runs up to this year")
        st.altair_chart(yearly_chart(frames, start, years, year))
        variants = [("with norms", caps, per_year, alliances),
                    ("without norms (same seed)", cf_caps, cf_years, cf_alliances)]
        cols = st.columns(len(variants) if has_norms else 1)
        for col, (label, c, py, al) in zip(cols, variants, strict=False):
            with col:
                n_edges = int(((al.system == k) & (al.year == year)).sum())
                st.markdown(f"**{label}**: {cal}, {n_edges} alliance(s)")
                st.altair_chart(capability_chart(c, k, start, years, year),
                                use_container_width=True)
                st.pyplot(plots.system_history(c, py, al, powers, k, int(year), start,
                                               title=f"run {k}, {label}"))
                if maps:  # a scenario with a geography: the map of the year
                    st.caption(f"map of {cal}: states at their positions, borders, alliances, "
                               "and the wars begun up to this year")
                    st.pyplot(plots.state_map(maps["map"], maps["borders"], c, py, al, k,
                                              (int(year),), start))

    year_view()


mode = st.sidebar.radio("mode", ["Scenario", "Sweep results"],
                        index=1 if qp.get("mode") == "sweep" else 0)

if mode == "Scenario":
    names = list(SCENARIOS)
    default = qp.get("scenario", "concert_of_europe")
    if default not in names:  # unknown names fall back to the main scenario
        default = "concert_of_europe"
    name = st.sidebar.selectbox("scenario", names, index=names.index(default))
    scn = SCENARIOS[name]
    st.subheader(name)
    st.write(scn.description)
    st.write(f"Claim tested: {scn.claim}")
    systems = st.sidebar.slider("runs (systems)", 10, 1000, _qp_int("systems", 100, 10, 1000),
                                step=10)
    years = st.sidebar.slider("years", 10, 300, _qp_int("years", scn.years, 10, 300))
    seed = st.sidebar.number_input("seed", 0, 2**31, _qp_int("seed", 1, 0, 2**31))
    mis = st.sidebar.slider("misperception", 0.0, 0.5, float(scn.system.misperception), 0.01)
    rel = st.sidebar.slider("relative gains (competitiveness)", 0.0, 1.0,
                            float(scn.system.relative_gains), 0.05)
    learn, norms = None, None
    if scn.regime is not None:
        learn = st.sidebar.slider("learning from new wars (share of the memory of war)", 0.0,
                                  1.0, float(scn.regime.conditions.learning), 0.05)
        # Each norm's strength (the chance it binds a decision where it applies);
        # ?norm_restraint=0 in the address sets one, as the other query parameters do.
        with st.sidebar.expander("the regime's norms (strength of each)"):
            chosen = tuple((n, st.slider(f"norm: {n}", 0.0, 1.0,
                                         _qp_float(f"norm_{n}", float(w), 0.0, 1.0), 0.05))
                           for n, w in scn.regime.norms.items())
        if chosen != tuple((n, float(w)) for n, w in scn.regime.norms.items()):
            norms = chosen
    policies = list(NAMED_POLICIES)
    policy = st.sidebar.selectbox("balance-of-power policy", policies,
                                  index=policies.index(scn.policy.name))
    strategies = ["as the scenario says"] + [s for s in STRATEGY_NAMES if s != "Random"]
    dyadic = st.sidebar.selectbox("dyadic strategy of every power", strategies, index=0)
    params = (name, systems, years, int(seed), mis, rel, learn,
              None if policy == scn.policy.name else policy,
              None if dyadic == strategies[0] else dyadic, norms)
    if st.sidebar.button("Run", type="primary") or qp.get("run") == "1":
        st.session_state["ran"] = params  # results stay while the history slider moves
    if st.session_state.get("ran") == params:
        (outcomes, by_year, caps, per_year, start, alliances, cf_caps, cf_years, cf_alliances,
         powers, maps, effects) = run(*params)
        st.markdown(f"**{systems} runs x {years} years, seed {int(seed)}**")
        st.table(_shown(outcomes).set_index("outcome"))
        if len(effects):
            st.markdown("**What the regime does while in force**: each run against its "
                        "identical-seed twin without norms, over the years the norms bind "
                        "(`ScenarioResult.regime_effects()`; 95% intervals)")
            st.table(_shown(effects[["measure", "value", "lo", "hi", "n", "meaning"]])
                     .set_index("measure"))
        concert = name == "concert_of_europe"
        st.pyplot(plots.concert_timeline(by_year, None if concert else
                                         f"{name}: regime autonomy and cooperation by year",
                                         history=concert))

        unfold(params, systems, years, start, caps, per_year, alliances, cf_caps, cf_years,
               cf_alliances, powers, maps, has_norms=scn.regime is not None)
else:
    sweeps, skipped = [], []
    for p in sorted(RESULTS.glob("*/manifest.json")) if RESULTS.is_dir() else []:
        try:
            if json.loads(p.read_text()).get("kind") == "sweep":
                sweeps.append(p.parent)
        except (OSError, ValueError, AttributeError):  # damaged: skip it, keep serving
            skipped.append(p.parent.name)
    if skipped:
        st.warning(f"Skipped {len(skipped)} results director{'y' if len(skipped) == 1 else 'ies'} "
                   f"with a damaged manifest.json: {plain(', '.join(skipped))}.")
    if not sweeps:
        st.info(f"No finished sweep under {plain(RESULTS)}. Run one with "
                "`regimes sweep FILE --out RESULTS/NAME`.")
    else:
        from security_regimes.experiments.store import load

        labels = [p.name for p in sweeps]
        wanted = qp.get("sweep")
        if wanted is not None and wanted not in labels:
            refused("No sweep by that name under the results directory", wanted, labels)
        pick = st.sidebar.selectbox("sweep", labels,
                                    index=labels.index(wanted) if wanted in labels else 0)
        directory = sweeps[labels.index(pick)]  # only listed directories can be opened
        try:
            data = load(directory)
            params = list(data.manifest["parsed"]["parameters"])
        except ValueError as e:
            st.error(plain(e))
        except (KeyError, TypeError):
            st.error(f"The manifest.json of sweep {plain(pick)} lacks its parsed sweep file; "
                     "run the sweep again into a new directory.")
        else:
            m = data.manifest
            outcomes = [o for o in m.get("outcomes", []) if o in data.runs]
            asked = qp.get("outcome")
            if asked is not None and asked not in outcomes:
                refused("This outcome", asked, outcomes)
            outcome = st.sidebar.selectbox(
                "outcome", outcomes, index=outcomes.index(asked) if asked in outcomes else 0)
            x = st.sidebar.selectbox("parameter", params)
            runs, pooled = data.runs, []
            for other in (q for q in params if q != x):  # fix it at a value, or pool over it
                values = sorted(runs[other].dropna().unique().tolist(), key=str)
                if len(values) > 20:  # a continuous design (LHS, Sobol): pooled
                    pooled.append(other)
                elif len(values) > 1:
                    held = st.sidebar.selectbox(f"{other}", ["all (pooled)", *values],
                                                key=f"fix {other}")
                    if held == "all (pooled)":
                        pooled.append(other)
                    else:
                        runs = runs[runs[other] == held]
            st.subheader(f"sweep {pick}: {len(runs)} runs")
            if pooled:
                st.caption("Pooled over " + plain(", ".join(pooled)) + ": each value of "
                           f"{plain(x)} averages over them (fix a parameter in the sidebar "
                           "to hold it at one value; more than 20 values are always pooled).")
            try:
                st.pyplot(plots.sweep_outcome(runs, outcome, x))
            except ValueError as e:
                st.error(plain(e))
            st.table(runs.groupby(x)[outcome].agg(["mean", "std", "count"]).reset_index())
            st.code(m.get("sweep", ""), language="toml")
