"""``security_regimes.mesa``: the international system as a Mesa 3 model.

See :mod:`security_regimes.regimes.mesa_model` (needs the ``mesa`` extra).
"""

from .regimes.mesa_model import AGENT_REPORTERS, MODEL_REPORTERS, PowerAgent, RegimesModel

__all__ = ["RegimesModel", "PowerAgent", "MODEL_REPORTERS", "AGENT_REPORTERS"]
