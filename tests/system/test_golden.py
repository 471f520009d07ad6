"""The model's outputs on fixed configurations equal the stored digests, bit for bit.

The digests were written by the code before the year was split into phases;
a refactoring must not change a single bit of any measure, capability or
alliance mask (see ``golden.py``).
"""

import json

import pytest

from .golden import DIGESTS, configurations, digest

STORED = json.loads(DIGESTS.read_text())


@pytest.mark.parametrize("name", sorted(configurations()))
def test_outputs_equal_the_stored_digest(name):
    assert digest(configurations()[name]) == STORED[name]


def test_every_configuration_has_a_digest():
    assert set(configurations()) == set(STORED)
