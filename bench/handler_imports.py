"""How handlers lean on each other: the imports of one handler module by another.

A use case that imports another use case is a sideways call: what happens after a change
then has to be read across modules instead of in one table. The shared vocabulary every
handler needs (commands, results, context) does not count.

    .venv/bin/python -m bench.handler_imports            # the count, the longest chain
    .venv/bin/python -m bench.handler_imports --list     # every sideways import
"""

import argparse
import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = frozenset({"handlers.commands", "handlers.results", "handlers.context"})


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


def sideways_imports() -> list[tuple[str, str]]:
    modules = handler_modules()
    known = set(modules)
    pairs = []
    for name, path in modules.items():
        for target in imported(path, known):
            if target in known and target not in SHARED and target != name and not _is_package(target):
                pairs.append((name, target))
    return pairs


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
    print(f"handler modules: {len(handler_modules())}")
    print(f"sideways imports (beyond commands, results, context): {len(pairs)}")
    print("longest chain: " + " -> ".join(name.removeprefix("handlers.") for name in longest_chain(pairs)))


if __name__ == "__main__":
    main()
