"""The warm start covers what the entry points compile (``regimes compile``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from typer.testing import CliRunner

from security_regimes.presentation.cli import app

# In a fresh process (so that no earlier test's compilation hides a gap):
# warm_start(), then the calls the entry points make with other settings;
# none may need a type signature the warm start did not compile.
SCRIPT = textwrap.dedent("""
    import json, sys
    from dataclasses import replace
    import numba
    import numpy as np
    import security_regimes as sr
    from security_regimes.experiments.warm import warm_start

    def signatures():
        out = {}
        for name, mod in list(sys.modules.items()):
            if not name.startswith("security_regimes"):
                continue
            for attr, value in vars(mod).items():
                if isinstance(value, numba.core.registry.CPUDispatcher):
                    out[f"{name}.{attr}"] = len(value.signatures)
        return out

    warm_start()
    before = signatures()
    for core in ("first_strike", "crisis"):
        system = sr.System(core=core)
        sr.simulate(system, years=4, systems=5, seed=2, threads=2,
                    dyadic=["Tit For Tat", "Grudger", "Bayesian Trust", "Defector",
                        "Win-Stay Lose-Shift"])
        sr.simulate(system.with_(capability_noise=0.1), years=4, systems=3, seed=2,
                    record_capabilities=False, record_alliances=False, policy="kaplan")
        sr.run_scenario(replace(sr.Scenario("s", system=system)), systems=3, years=4)
    for name in ("superpower_bipolar", "kaplan_balance", "economic"):
        sr.run_scenario(name, systems=3, years=4)
    sr.tournament(["Tit For Tat", "Random", "Grudger"], turns=20, repetitions=3, noise=0.05,
                  seed=3)
    sr.match("Grudger", "Tit For Tat", turns=10, noise=0.1, seed=3)
    sr.match("Grudger", "Random", turns=10, continuation=0.9, seed=3)
    from security_regimes.engine.libm import log_uniform
    log_uniform(np.linspace(0, 1, 5), 0.1, 10.0)
    after = signatures()
    print(json.dumps({"before": before, "after": after}))
""")


def test_warm_start_compiles_every_signature_the_entry_points_use():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=600, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    new = {k: (r["before"].get(k, 0), v) for k, v in r["after"].items()
           if v > r["before"].get(k, 0)}
    assert not new, f"compiled after the warm start (signatures before, after): {new}"
    assert r["before"].get("security_regimes.system.kernel._systems") == 2  # one per core


def test_compile_command_reports_each_step():
    r = CliRunner().invoke(app, ["compile", "--json"])
    assert r.exit_code == 0, r.output
    steps = json.loads(r.output)["seconds"]
    assert {"system year (first_strike core)", "system year (crisis core)", "tournament",
            "match"} <= set(steps)
    assert all(v >= 0 for v in steps.values())
