import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from security_regimes.system import POLICIES, Policy, System, simulate

params = st.fixed_dictionaries({
    "n": st.integers(2, 9),
    "policy": st.sampled_from(POLICIES),
    "growth_sd": st.sampled_from([0.0, 0.05, 0.2]),
    "war_cost": st.sampled_from([0.0, 0.05, 0.3]),
    "transfer": st.sampled_from([0.0, 0.5, 1.0]),
    "decisiveness": st.sampled_from([0.5, 2.0, 5.0]),
    "misperception": st.sampled_from([0.0, 0.2]),
    "seed": st.integers(0, 2**32),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=params)
def test_invariants(p):
    rng = np.random.default_rng(p["seed"])
    system = System(capabilities=tuple(rng.uniform(0.1, 1, p["n"])), cow_year=None,
                    growth_sd=p["growth_sd"], war_cost=p["war_cost"], transfer=p["transfer"],
                    decisiveness=p["decisiveness"], misperception=p["misperception"])
    r = simulate(system, years=40, policy=p["policy"], systems=20, seed=p["seed"])
    caps = r.capabilities
    assert np.all(np.isfinite(caps)) and np.all(caps >= -1e-12)
    # The total changes only by recorded growth and war destruction.
    totals = caps.sum(axis=2)
    expected = totals[:, :-1] + r.measures["growth"] - r.measures["war_size"]
    np.testing.assert_allclose(totals[:, 1:], expected, rtol=1e-9, atol=1e-12)
    # Dead powers hold nothing; an eliminated power stays out unless rule 6 restores it.
    alive = caps > 0  # (systems, years + 1, powers)
    assert np.array_equal(alive[:, 1:].sum(axis=2), r.measures["n_alive"])
    came_back = (~alive[:, :-1] & alive[:, 1:]).any(axis=2)  # (systems, years)
    if r.policy.name != "kaplan":
        assert not came_back.any()
    assert np.all(r.measures["restored"][came_back] > 0)
    assert np.all(np.isnan(r.measures["cooperation_rate"])
                  | ((r.measures["cooperation_rate"] >= 0) & (r.measures["cooperation_rate"] <= 1)))


def test_no_rule6_means_no_return():
    system = System.equal(6, growth_sd=0.2)
    r = simulate(system, years=100, policy=Policy("kaplan", rules={6: 0.0}), systems=50, seed=3)
    alive = r.capabilities > 0
    assert not (~alive[:, :-1] & alive[:, 1:]).any()
    assert r.measures["restored"].sum() == 0


@pytest.mark.parametrize("policy", POLICIES)
def test_same_seed_bit_identical_whatever_the_batch(policy):
    full = simulate(years=60, policy=policy, systems=24, seed=9)
    part = simulate(years=60, policy=policy, systems=7, seed=9, first_index=10)
    for name, arr in full.measures.items():
        np.testing.assert_array_equal(arr[10:17], part.measures[name], err_msg=name)
    np.testing.assert_array_equal(full.capabilities[10:17], part.capabilities)
    one = simulate(years=60, policy=policy, systems=1, seed=9, first_index=23)
    np.testing.assert_array_equal(full.capabilities[23:24], one.capabilities)
    again = simulate(years=60, policy=policy, systems=24, seed=9)
    np.testing.assert_array_equal(full.capabilities, again.capabilities)


def test_tables_and_measures():
    r = simulate(years=30, policy="waltz", systems=5, seed=1)
    df = r.per_year
    assert len(df) == 150 and {"war", "war_size", "n_alive", "essential_survival", "hhi", "con",
                               "n_poles", "alliance_count"} <= set(df.columns)
    s = r.summary
    assert len(s) == 5 and {"hegemony", "war_frequency", "essential_survival"} <= set(s.columns)
    # hegemony is the first year a power holds at least half of all capability
    for b in range(5):
        share = r.measures["max_share"][b]
        first = np.flatnonzero(share >= 0.5)
        assert (np.isnan(s.hegemony[b]) and first.size == 0) or s.hegemony[b] == first[0] + 1
    # CON from HHI: sqrt((HHI - 1/n) / (1 - 1/n))
    n = df.n_alive.to_numpy()
    con = np.sqrt(np.maximum(df.hhi - 1 / n, 0) / (1 - 1 / n))
    np.testing.assert_allclose(df.con[n > 1], con[n > 1])
    al = r.alliances()
    assert set(al.columns) == {"system", "year", "a", "b"}
    counts = al.groupby(["system", "year"]).size()
    for (sys_id, year), c in counts.items():
        assert r.measures["alliance_count"][sys_id, year - 1] == c


def test_default_system_is_1816_great_powers():
    s = System()
    assert s.names == ("UKG", "RUS", "FRN", "AUH", "GMY")
    assert s.capabilities[0] == pytest.approx(0.44498, abs=1e-4)
    assert System.from_cow(1816, 8).names[:5] == ("UKG", "RUS", "FRN", "AUH", "TUR")


def test_parquet_roundtrip(tmp_path):
    import pandas as pd

    r = simulate(years=10, policy="kaplan", systems=3, seed=2)
    r.to_parquet(tmp_path)
    years = pd.read_parquet(tmp_path / "years.parquet")
    assert len(years) == 30
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    "call,msg",
    [(lambda: System(capabilities=(1.0,)), "a system needs 2 to 256 powers, got 1"),
     (lambda: System(capabilities=(1.0, -2.0)), "capabilities must be a list of positive numbers or null"),
     (lambda: Policy("hobbes"), "unknown balance-of-power policy 'hobbes'"),
     (lambda: Policy("kaplan", rules={7: 1.0}), "rules: unknown key 7; expected one of 1, 2, 3, 4, 5, 6"),
     (lambda: Policy("kaplan", rules={3: 1.5}), "rules.3 must be a number in [0, 1], got 1.5"),
     (lambda: System.from_cow(1700), "COW year must be an integer in [1816, 2016], got 1700"),
     (lambda: simulate(years=0), "years must be an integer in [1, 10000]")],
)
def test_bad_input(call, msg):
    with pytest.raises(ValueError, match=msg.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(").replace(")", r"\)")):
        call()


def test_xarray_named_dims():
    r = simulate(years=12, policy="kaplan", systems=4, seed=5)
    ds = r.to_xarray()
    assert ds["war"].dims == ("system", "year")
    assert ds["capability"].dims == ("system", "year", "power")
    assert list(ds.power.values) == ["UKG", "RUS", "FRN", "AUH", "GMY"]
    np.testing.assert_array_equal(ds["capability"].sel(power="UKG").values,
                                  r.capabilities[:, 1:, 0])


@pytest.mark.parametrize("fmt", ["netcdf", "zarr"])
def test_xarray_datasets_round_trip_through_netcdf_and_zarr(tmp_path, fmt):
    xr = pytest.importorskip("xarray")
    if fmt == "zarr":
        pytest.importorskip("zarr")
    r = simulate(years=12, policy="kaplan", systems=4, seed=5)
    ds = r.to_xarray(start_year=1816)
    path = tmp_path / f"run.{fmt}"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zarr 3: format notes on strings and metadata
        if fmt == "netcdf":
            ds.to_netcdf(path)
            back = xr.load_dataset(path)
        else:
            ds.to_zarr(path)
            back = xr.open_zarr(path).load()
    np.testing.assert_array_equal(back["capability"].values, ds["capability"].values)
    np.testing.assert_array_equal(back["war"].values.astype(bool), ds["war"].values)
    assert back.attrs["policy"] == "kaplan"
    assert str(back.attrs["package_version"]) == ds.attrs["package_version"]
    np.testing.assert_array_equal(back["calendar_year"].values, ds["calendar_year"].values)


@pytest.mark.parametrize("n,record", [(5, True), (8, False), (12, True)])
def test_memory_estimate_bounds_the_measured_peak(n, record):
    import tracemalloc

    from security_regimes.system.simulate import estimate_bytes

    system = System.equal(n)
    tracemalloc.start()
    simulate(system, years=60, systems=300, seed=1, record_alliances=record,
             record_capabilities=record)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    est = estimate_bytes(n, 60, 300, record, record)
    assert peak <= est <= 4 * peak, (peak, est)


def test_runs_that_cannot_fit_are_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("SECURITY_REGIMES_MEMORY", str(50_000_000))  # a 50 MB machine
    with pytest.raises(ValueError, match=r"would need about .* and 50.0 MB is available"):
        simulate(years=200, systems=20_000)
    assert simulate(years=10, systems=20, seed=1).n_systems == 20


def test_growth_that_would_overflow_is_refused():
    with pytest.raises(ValueError, match="would overflow capabilities"):
        simulate(System(growth_mean=0.5), years=2000, systems=1)


def test_progress_counts_every_system_year():
    done = []
    simulate(years=7, systems=3, seed=1, progress=done.append)
    assert done == [3] * 7


def test_streaming_to_parquet_equals_one_batch(tmp_path, monkeypatch):
    import pandas as pd

    from security_regimes.system.simulate import StreamedResult, estimate_bytes

    system = System.from_cow(1816, 5)
    whole = simulate(system, years=15, systems=23, seed=4, policy="kaplan")
    per_system = estimate_bytes(5, 15, 1) * 3
    monkeypatch.setenv("SECURITY_REGIMES_MEMORY", str(per_system * 4 * 7))  # 7 systems a chunk
    streamed = simulate(system, years=15, systems=23, seed=4, policy="kaplan", out=tmp_path)
    assert isinstance(streamed, StreamedResult) and streamed.chunks == 4
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "years.parquet"), whole.per_year,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "runs.parquet"), whole.summary,
                                  check_dtype=False)
    def tidy(df):  # edges are ordered by year within a chunk: compare as sets
        return df.sort_values(["system", "year", "a", "b"], ignore_index=True)

    pd.testing.assert_frame_equal(tidy(pd.read_parquet(tmp_path / "alliances.parquet")),
                                  tidy(whole.alliances()), check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "capabilities.parquet"),
                                  whole.capability_frame(), check_dtype=False)
    pd.testing.assert_frame_equal(streamed.summary, whole.summary)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alliances.parquet", "capabilities.parquet", "runs.parquet", "years.parquet"]


def test_two_strategies_with_one_name_are_two_strategies():
    """A strategy's table is shared by content, not by display name (issue 30):
    subclasses that set no name are all called "Strategy"."""
    from security_regimes.games.strategies import Strategy

    class Always(Strategy):
        def act(self, state):
            return 1.0

    class Never(Strategy):
        def act(self, state):
            return 0.0

    assert Always().display_name == Never().display_name
    mixed = simulate(years=30, systems=50, seed=1, dyadic=[Always(), Never(), Never(),
                                                           Never(), Never()])
    never = simulate(years=30, systems=50, seed=1, dyadic=[Never()] * 5)
    always = simulate(years=30, systems=50, seed=1, dyadic=[Always()] * 5)
    rate = [r.summary.cooperation_rate.mean() for r in (always, mixed, never)]
    assert rate[0] > rate[1] > rate[2]
