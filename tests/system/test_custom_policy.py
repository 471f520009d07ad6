"""A custom balance-of-power policy: any combination of the traits the year reads.

A named policy is a fixed set of traits, so a custom policy with the same
traits must be it, bit for bit; a new combination must run everywhere a
named one does (Python, files, sweeps, the command line) and be refused alike
where it is inconsistent.
"""

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import security_regimes as sr
from security_regimes import Policy
from security_regimes.regimes.files import load_scenario_file
from security_regimes.regimes.scenarios import get_scenario
from security_regimes.regimes.writer import scenario_toml


def _measures(policy, **kw):
    # the first-strike core at its earlier defaults: wars enough for every trait to act
    kw.setdefault("system", sr.System(**sr.UNCALIBRATED))
    return sr.simulate(years=60, systems=60, seed=11, policy=policy, **kw).measures


def _same(a, b) -> bool:
    return all(np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f") for k in a)


@pytest.mark.parametrize("named,custom", [
    (Policy("waltz"), Policy("custom")),
    (Policy("kaplan", rules={3: 0.5}), Policy("custom", internal_rules=True, rules={3: 0.5})),
    (Policy("balancer", balancer=2), Policy("custom", manual_balancer=True, balancer=2)),
    (Policy("far_sighted_waltz", future_weight=0.7),
     Policy("custom", spares_future_allies=True, future_weight=0.7)),
])
def test_a_custom_policy_with_a_named_ones_traits_is_that_policy(named, custom):
    assert custom.traits == named.traits
    assert _same(_measures(named), _measures(custom))


def test_a_new_combination_is_neither_of_its_parts():
    both = Policy("custom", internal_rules=True, manual_balancer=True, balancer=0)
    assert both.label == "custom(internal_rules+manual_balancer)"
    m = _measures(both)
    assert not _same(m, _measures(Policy("kaplan")))
    assert not _same(m, _measures(Policy("balancer", balancer=0)))
    assert "custom(internal_rules+manual_balancer)" in repr(sr.simulate(years=5, systems=2,
                                                                        policy=both))


def test_inconsistent_policies_are_refused_in_every_entry_point(tmp_path):
    with pytest.raises(ValueError, match="policy 'kaplan' has manual_balancer = False"):
        Policy("kaplan", manual_balancer=True)
    with pytest.raises(ValueError, match="rule weights apply"):
        Policy("custom", manual_balancer=True, rules={3: 0.5})
    Policy("kaplan", internal_rules=True)  # a named policy's own trait, said again, is fine
    # A scenario file says the same.
    s = replace(get_scenario("waltz_balance"), name="mine",
                policy=Policy("custom", internal_rules=True, rules={3: 0.5}))
    path = tmp_path / "s.toml"
    path.write_text(scenario_toml(s).replace('name = "custom"', 'name = "waltz"'))
    with pytest.raises(ValueError, match="policy 'waltz' has internal_rules = False"):
        load_scenario_file(path)
    # A sweep refuses the point before anything runs.
    with pytest.raises(ValueError, match="point 0: policy.internal_rules = True"):
        sr.sweep("waltz_balance", {"policy.internal_rules": [True, False]}, replicates=2,
                 years=5)
    # The command line: one line, exit status 2.
    r = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "simulate",
                        "--policy", "kaplan", "--trait", "manual_balancer", "--systems", "2"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "use policy 'custom'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_custom_policy_goes_through_files_sweeps_and_the_counterfactual(tmp_path):
    policy = Policy("custom", internal_rules=True, manual_balancer=True, rules={3: 0.5})
    s = replace(get_scenario("waltz_balance"), name="mine", policy=policy)
    path = tmp_path / "s.toml"
    path.write_text(scenario_toml(s))
    assert load_scenario_file(path)[0].policy == policy
    d = sr.sweep(s, {"policy.manual_balancer": [True, False]}, replicates=20, years=40, seed=1)
    by = d.runs.groupby("policy.manual_balancer").war_frequency.mean()
    assert set(by.index) == {True, False}
    cf = s.counterfactual().policy  # the norms' counterfactual: Kaplan's rules off, the rest kept
    assert cf.traits == {"internal_rules": False, "manual_balancer": True,
                         "spares_future_allies": False}
    assert not cf.rules


def test_the_command_line_runs_a_custom_policy():
    r = subprocess.run([sys.executable, "-m", "security_regimes.presentation.cli", "simulate",
                        "--policy", "custom", "--trait", "internal_rules", "--trait",
                        "manual_balancer", "--rule", "3=0.5", "--systems", "5", "--years", "10",
                        "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert '"policy": "custom(internal_rules+manual_balancer)"' in r.stdout
