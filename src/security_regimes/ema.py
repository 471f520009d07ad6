"""``security_regimes.ema``: the EMA Workbench model of a scenario, and PRIM on sweeps.

See :mod:`security_regimes.experiments.ema`.
"""

from .experiments.ema import DEFAULT_OUTCOMES, DEFAULT_UNCERTAINTIES, Discovery, discover, model

__all__ = ["model", "discover", "Discovery", "DEFAULT_UNCERTAINTIES", "DEFAULT_OUTCOMES"]
