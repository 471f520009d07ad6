"""The package is a stack: every import points down it, with no circles and no import of the root.

Imports inside functions count too: they are for heavy optional libraries,
not for hiding a cycle.  The checks read the source; nothing is written into
the source tree.
"""

import ast
from pathlib import Path

import pytest

import security_regimes

PACKAGE = Path(security_regimes.__file__).parent
#: Bottom to top.  Private helpers at the root (``_io``, ``_stats`` ...) are below everything.
LAYERS = ["_", "data", "games", "engine", "system", "regimes", "experiments", "ema", "mesa",
          "presentation"]


def layer(parts: list[str]) -> int:
    head = parts[0].removesuffix(".py") if parts else ""
    if head.startswith("_"):
        return 0
    return LAYERS.index(head)


def imported(source: str, mod_parts: list[str]) -> list[tuple[int, list[str]]]:
    """Every package-internal import of a module (also those inside functions),
    as the imported module's parts below the package (``[]``: the package root)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod_parts[:len(mod_parts) - node.level]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "security_regimes":
                target = node.module.split(".")[1:]
            else:
                continue
            if not node.module and target == base:  # ``from .. import x``: x may be a module
                for alias in node.names:
                    sub = target + [alias.name]
                    out.append((node.lineno, sub if _exists(sub) else target))
                continue
            out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "security_regimes":
                    out.append((node.lineno, a.name.split(".")[1:]))
    return out


def _exists(parts: list[str]) -> bool:
    return (PACKAGE.joinpath(*parts).with_suffix(".py").is_file()
            or PACKAGE.joinpath(*parts, "__init__.py").is_file())


def module_name(parts: list[str]) -> str:
    """``system/kernel.py`` -> ``system.kernel``; a package's ``__init__`` -> its name."""
    parts = [p.removesuffix(".py") for p in parts]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(target: list[str]) -> str:
    """The module a target names (``system.model.State`` -> ``system.model``)."""
    for k in range(len(target), 0, -1):
        if _exists(target[:k]):
            return module_name(target[:k])
    return ""


MODULES = [p for p in sorted(PACKAGE.rglob("*.py")) if p != PACKAGE / "__init__.py"]


def _mod_parts(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] + ["__init__"] if parts[-1] == "__init__" else parts


def graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (a package's ``__init__`` under its name)."""
    out = {}
    for path in MODULES:
        name = module_name(list(path.relative_to(PACKAGE).parts))
        deps = {_resolve(t) for _, t in imported(path.read_text(), _mod_parts(path))}
        out[name] = {d for d in deps if d and d != name}
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_import_and_none_of_the_root(path):
    parts = list(path.relative_to(PACKAGE).parts)
    own = layer(parts)
    found = imported(path.read_text(), _mod_parts(path))
    root = [f"line {line}" for line, t in found if not t]
    assert not root, f"{path.relative_to(PACKAGE)} imports the package root: {root}"
    upward = [f"line {line}: {'.'.join(t)}" for line, t in found if layer(t) > own]
    assert not upward, f"{path.relative_to(PACKAGE)} imports a layer above it: {upward}"


def test_no_import_circle():
    assert cycles(graph()) == []


def test_the_checks_catch_an_upward_import_a_root_import_and_a_circle():
    found = imported("def f():\n    from ..experiments.store import load\n", ["system", "probe"])
    assert any(layer(t) > layer(["system"]) for _, t in found)
    assert imported("from .. import __version__\n", ["system", "probe"]) == [(1, [])]
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
