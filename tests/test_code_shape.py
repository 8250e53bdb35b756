"""The shape a newcomer relies on: no import circles, short functions, one manifest reader."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "audioguide"
MAX_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    """module -> the audioguide modules it imports (at the top or inside functions)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if _type_checking_only(node, parents):
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level else []
                root = ".".join([*base, *([node.module] if node.module else [])])
                targets = [f"{root}.{a.name}" if f"{root}.{a.name}" in modules else root
                           for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def test_no_import_circles():
    graph = import_graph()
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for target in graph[node]:
            if target in path:
                circles.append(path[path.index(target):] + [target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        visit(start, [start])
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles[:5])


def test_functions_are_short_or_say_why():
    long = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES and "long because" not in (ast.get_docstring(node) or ""):
                    long.append(f"{path.relative_to(SRC)}:{node.name} ({lines} lines)")
    assert not long, long


def test_only_the_manifest_module_names_episode_json():
    readers = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
               if "episode.json" in p.read_text(encoding="utf-8")]
    assert readers == ["manifest.py"], readers


def _unit(module: str) -> str:
    """The package or top-level module of src/audioguide that `module` belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__.py"
    return parts[1] + ("/" if (SRC / parts[1]).is_dir() else ".py")


def unit_graph() -> dict[str, set[str]]:
    """package or top-level module -> those it imports (lazy imports included)."""
    graph: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        unit = _unit(module)
        graph.setdefault(unit, set()).update(_unit(t) for t in targets)
        graph[unit].discard(unit)
    return graph


def readme_layers() -> list[str]:
    """The units in the order README's layer picture lists them, top to bottom."""
    text = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    block = text.split("## The code, for the next engineer", 1)[1].split("```", 2)[1]
    units = []
    for line in block.splitlines():
        for word in line.split():
            if not word.endswith((".py", "/")):
                break
            units.append(word)
    return units


def test_packages_import_only_what_lies_below_them_in_the_readme():
    """No two packages (or top-level modules) import each other, lazily or not: README's
    picture is an order in which every import points down (or right, within a line)."""
    graph, order = unit_graph(), readme_layers()
    assert sorted(order) == sorted(graph), (
        f"README's picture lists {sorted(set(order) ^ set(graph))} wrongly (missing or extra)")
    place = {unit: n for n, unit in enumerate(order)}
    upward = sorted(f"{unit} imports {target}" for unit, targets in graph.items()
                    for target in targets if place[target] < place[unit])
    assert not upward, upward


def test_the_layer_check_catches_a_package_circle():
    """The check above fails on a circle between packages even when each module is acyclic."""
    graph = {"audio/": {"engines/"}, "engines/": {"audio/"}}
    order = ["audio/", "engines/"]
    place = {unit: n for n, unit in enumerate(order)}
    assert [u for u, ts in graph.items() for t in ts if place[t] < place[u]] == ["engines/"]
