"""How handlers lean on each other: the imports of one handler module by another.

A use case that imports another capability's use case is a sideways call: what happens
after a change then has to be read across capabilities instead of in one table
(`handlers.registry.EVENT_HANDLERS`). Handlers live in one subpackage per capability
(`handlers/routing/`, `handlers/importing/`...); modules of one capability importing each
other are that capability's parts, counted apart. The shared vocabulary every handler needs
(commands, results, context) does not count, nor does the bus (`handlers.registry`), whose
job is to name every handler.

    .venv/bin/python -m bench.handler_imports            # the counts, the longest chain
    .venv/bin/python -m bench.handler_imports --list     # every sideways import
"""

import argparse
import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = frozenset({"handlers.commands", "handlers.results", "handlers.context"})
BUS = "handlers.registry"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def handler_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / "handlers").rglob("*.py"))}


def imported(path: Path, known: set[str]) -> Iterator[str]:
    """The handler modules one file imports, anywhere in it (function-level imports too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            # `from handlers import routing` names a module; `from handlers.routing.route import x` its module
            modules = [f"{node.module}.{alias.name}" for alias in node.names]
            yield from [name for name in modules if name in known] or [node.module]
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def module_imports() -> list[tuple[str, str]]:
    """Every import of one handler module by another, the shared ones and the bus aside."""
    modules = handler_modules()
    known = set(modules)
    pairs = []
    for name, path in modules.items():
        if name == BUS:
            continue
        for target in imported(path, known):
            if target in known and target not in SHARED | {BUS, name}:
                pairs.append((name, target))
    return pairs


def capability(module: str) -> str:
    """`handlers.routing.decide` belongs to routing; a module at the top is its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and _is_package(module)) else module


def sideways_imports() -> list[tuple[str, str]]:
    """Imports that cross from one capability to another."""
    pairs = module_imports()
    return [(source, target) for source, target in pairs if capability(source) != capability(target)]


def _is_package(name: str) -> bool:
    return (ROOT / Path(*name.split(".")) / "__init__.py").exists()


def longest_chain(pairs: list[tuple[str, str]]) -> list[str]:
    arrows: dict[str, set[str]] = {}
    for source, target in pairs:
        arrows.setdefault(source, set()).add(target)

    @cache
    def chain_from(module: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for target in sorted(arrows.get(module, ())):
            if target not in seen:
                candidate = chain_from(target, seen | {module})
                best = candidate if len(candidate) > len(best) else best
        return (module, *best)

    return list(max((chain_from(module) for module in arrows), key=len, default=()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every sideways import")
    args = parser.parse_args()
    pairs = sideways_imports()
    if args.list:
        for source, target in sorted(pairs):
            print(f"{source} -> {target}")
    modules = handler_modules()
    packages = {name for name in modules if name.count(".") == 1 and _is_package(name)}
    print(f"handler modules: {len(modules)}, in {len(packages)} capabilities (subpackages)")
    print(f"imports between handler modules (beyond the shared ones and the bus): {len(module_imports())}")
    print(f"sideways imports (from one capability into another): {len(pairs)}")
    print("longest chain: " + " -> ".join(name.removeprefix("handlers.") for name in longest_chain(pairs)))


if __name__ == "__main__":
    main()
