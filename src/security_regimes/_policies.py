"""The balance-of-power policies' names and declared properties, as plain data.

Kept at the bottom of the stack, free of heavy imports, so that the command
line can list the policies without loading the model
(:class:`~security_regimes.system.config.Policy` reads this table).
"""

#: Each balance-of-power policy as declared properties, which the compiled year
#: reads (it never asks which policy it runs):
#:
#: * ``internal_rules``: Kaplan's six rules bind decisions with their weights
#:   (Kaplan 1957, p. 23); without it every rule weight is 0.
#: * ``manual_balancer``: power ``balancer`` joins the weaker side of every war
#:   it is not in, and allies against a power tending toward predominance
#:   (Claude 1962's "manually operated" balance).
#: * ``spares_future_allies``: a winner spares a beaten power worth more as a
#:   future ally than its elimination is worth (Jervis 1982, p. 362: restraint
#:   as a result of far-sighted power-seeking, not an intent).
POLICY_TRAITS: dict[str, dict[str, bool]] = {
    "waltz": {"internal_rules": False, "manual_balancer": False, "spares_future_allies": False},
    "kaplan": {"internal_rules": True, "manual_balancer": False, "spares_future_allies": False},
    "balancer": {"internal_rules": False, "manual_balancer": True, "spares_future_allies": False},
    "far_sighted_waltz": {"internal_rules": False, "manual_balancer": False,
                          "spares_future_allies": True},
}
#: The policy whose properties are its own settings (``Policy("custom",
#: internal_rules=True, manual_balancer=True, ...)``): any combination of the
#: traits above, in Python, files, sweeps and on the command line alike.
CUSTOM_POLICY = "custom"
#: The traits a custom policy sets (each off unless set).
TRAITS = ("internal_rules", "manual_balancer", "spares_future_allies")
#: The named policies, each a fixed set of traits (what experiments compare).
NAMED_POLICIES = tuple(POLICY_TRAITS)
#: Every valid policy name: the named ones and ``custom``.
POLICIES = (*NAMED_POLICIES, CUSTOM_POLICY)
#: The default policy (``Policy()``, files, ``simulate``, ``regimes simulate``): self-help.
DEFAULT_POLICY = "waltz"

#: Kaplan's six rules (System and Process in International Politics, 1957, p. 23).
KAPLAN_RULES = {
    1: "increase capabilities but negotiate rather than fight",
    2: "fight rather than pass up an opportunity to increase capabilities",
    3: "stop fighting rather than eliminate an essential national actor",
    4: "oppose any coalition or single actor that tends toward predominance",
    5: "constrain actors who subscribe to supranational organizing principles",
    6: "permit defeated or constrained essential actors to re-enter as acceptable partners",
}
