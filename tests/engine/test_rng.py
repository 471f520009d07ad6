import numpy as np
import pytest

from security_regimes.engine.rng import spawn_keys, uniforms


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40 + 7, 2**130 + 99])
def test_spawn_keys_equal_seedsequence_children(seed):
    idx = np.array([0, 1, 2, 77, 4096, 2**31 + 5])
    ref = [np.random.SeedSequence(seed, spawn_key=(int(i),)).generate_state(1, np.uint64)[0]
           for i in idx]
    assert spawn_keys(seed, idx).tolist() == [int(r) for r in ref]
    kids = np.random.SeedSequence(seed).spawn(3)
    assert spawn_keys(seed, np.arange(3)).tolist() == [int(c.generate_state(1, np.uint64)[0])
                                                        for c in kids]


def test_uniforms_look_uniform():
    u = uniforms(spawn_keys(3, np.arange(200_000)), 5)
    assert u.min() >= 0 and u.max() < 1
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = len(u) / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 50  # 19 dof: p ~ 1e-4


def test_bad_seed():
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        spawn_keys(-1, np.arange(3))
