"""Shared test settings.

Hypothesis runs derandomized by default so that CI is reproducible; set
HYPOTHESIS_PROFILE=explore for fresh random examples (and more of them).
"""

import os

from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", max_examples=500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
