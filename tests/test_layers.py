"""The package is a stack: every import points down it (no module imports a layer above)."""

import ast
from pathlib import Path

import pytest

import security_regimes

PACKAGE = Path(security_regimes.__file__).parent
#: Bottom to top.  Private helpers at the root (``_io``, ``_stats`` ...) are below everything.
LAYERS = ["_", "data", "games", "engine", "system", "regimes", "experiments", "ema",
          "presentation"]


def layer(parts: list[str]) -> int:
    head = parts[0].removesuffix(".py") if parts else ""
    if head.startswith("_"):
        return 0
    return LAYERS.index(head)


def imported(path: Path) -> list[tuple[int, list[str]]]:
    """Every package-internal import in a file (also those inside functions)."""
    mod_parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod_parts[:len(mod_parts) - node.level]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.startswith("security_regimes"):
                target = node.module.split(".")[1:]
            else:
                continue
            if not target:  # ``from .. import x``: x names a module or the package root
                target = [node.names[0].name]
            out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("security_regimes."):
                    out.append((node.lineno, a.name.split(".")[1:]))
    return out


MODULES = [p for p in sorted(PACKAGE.rglob("*.py")) if p != PACKAGE / "__init__.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_import(path):
    own = layer(list(path.relative_to(PACKAGE).parts))
    upward = [f"line {line}: {'.'.join(t)}" for line, t in imported(path)
              if t[0] != "__version__" and layer(t) > own]
    assert not upward, f"{path.relative_to(PACKAGE)} imports a layer above it: {upward}"


def test_the_check_catches_an_upward_import(tmp_path):
    bad = PACKAGE / "system" / "_probe_upward.py"
    bad.write_text("def f():\n    from ..experiments.store import load\n")
    try:
        own = layer(["system"])
        assert any(layer(t) > own for _, t in imported(bad))
    finally:
        bad.unlink()
