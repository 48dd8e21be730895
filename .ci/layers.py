#!/usr/bin/env python3
"""Fails on an import cycle between modules, or an import against the layer order.

Reads every `src/**/*.rs`, leaves out comments and `#[cfg(test)]` modules, and
collects the `crate::<module>` paths each top-level module names (a file under
`src/<module>/` or `src/<module>.rs` belongs to `<module>`). The layers, lowest
first; a module may import from its own layer or any layer below:

  0  text, query        pure text utilities and the query language
  1  error              gathers the leaf errors (query's, text's)
  2  entities, ingest, article
  3  index              the on-disk index both paths share
  4  indexer | search   the write path and the read path: never each other
  5  server, alerts,    the HTTP API (through the public facade); saved searches;
     export             CSV, JSON lines, Atom, OpenSearch

Files of unit tests (`tests.rs`, `*_tests.rs`) are left out like test modules.
`src/lib.rs` is the facade (it may name anything), and `src/cli/` and
`src/main.rs` are the binary, which reaches the library as `newsdex::` only.
Inside `entities`, run-time code never imports `entities::train`.

Usage: python3 .ci/layers.py [SRC_DIR]   (exit 1 with one line per problem)
"""

import re
import sys
from pathlib import Path

LAYERS = {
    "text": 0,
    "query": 0,
    "error": 1,
    "entities": 2,
    "ingest": 2,
    "article": 2,
    "index": 3,
    "indexer": 4,
    "search": 4,
    "server": 5,
    "alerts": 5,
    "export": 5,
}
# Same layer, never each other.
APART = {frozenset({"indexer", "search"}), frozenset({"entities", "ingest"})}
# What the server may reach: the public modules and the crate root's re-exports.
SERVER_MAY_USE = {"search", "error", "entities", "article", "text", "alerts", "export"}

USE = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)(?:::([a-z_][a-z0-9_]*))?")


def strip(text):
    """The code of a file without comments, string literals and test modules."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    skip_depth = None
    depth = 0
    pending_test = False
    for line in text.split("\n"):
        code = re.sub(r"//.*", "", line)
        code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)
        if skip_depth is None and re.match(r"\s*#\[cfg\((all\()?test", code):
            pending_test = True
            continue
        if pending_test and re.match(r"\s*mod\s+\w+\s*\{", code):
            skip_depth = depth
            pending_test = False
        elif pending_test and code.strip() and not code.strip().startswith("#"):
            pending_test = False
        depth += code.count("{") - code.count("}")
        if skip_depth is not None:
            if depth <= skip_depth:
                skip_depth = None
            continue
        out.append(code)
    return "\n".join(out)


def is_test_file(rel):
    """A file of unit tests, declared under `#[cfg(test)]` by its parent."""
    return rel.name == "tests.rs" or rel.name.endswith("_tests.rs")


def module_of(src, path):
    rel = path.relative_to(src)
    if len(rel.parts) == 1:
        return rel.stem
    return rel.parts[0]


def graph(src):
    edges = {}
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src)
        if rel.parts[0] == "cli" or rel.name in ("lib.rs", "main.rs") or is_test_file(rel):
            continue
        own = module_of(src, path)
        code = strip(path.read_text(encoding="utf-8"))
        for m in USE.finditer(code):
            target, sub = m.group(1), m.group(2)
            if target in ("self", "super"):
                continue
            edges.setdefault(own, {}).setdefault(target, set()).add((str(rel), sub))
    return edges


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w == v:
                continue
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

    for v in sorted(set(edges) | {w for t in edges.values() for w in t}):
        if v not in index:
            visit(v)
    return out


def check(src):
    problems = []
    edges = graph(src)
    for comp in cycles(edges):
        problems.append("import cycle: " + " -> ".join(comp + [comp[0]]))
    for own, targets in sorted(edges.items()):
        for target, where in sorted(targets.items()):
            if target == own:
                continue
            files = ", ".join(sorted({f for f, _ in where}))
            if own not in LAYERS:
                problems.append(f"module {own} has no layer (add it to .ci/layers.py): {files}")
                continue
            if target not in LAYERS:
                if own == "server":
                    continue  # a crate-root re-export (crate::NewsIndex)
                problems.append(f"{own} imports crate::{target}, which has no layer: {files}")
                continue
            if LAYERS[target] > LAYERS[own]:
                problems.append(
                    f"{own} (layer {LAYERS[own]}) imports {target} (layer {LAYERS[target]}) above it: {files}"
                )
            if frozenset({own, target}) in APART:
                problems.append(f"{own} imports {target}, which it must never import: {files}")
            if own == "server" and target not in SERVER_MAY_USE:
                problems.append(f"server imports crate::{target}, not the public facade: {files}")
    for path in sorted((src / "entities").rglob("*.rs")):
        rel = path.relative_to(src)
        if "train" in rel.parts or is_test_file(rel):
            continue
        code = strip(path.read_text(encoding="utf-8"))
        if re.search(r"\b(crate::entities::|super::)train\b", code):
            problems.append(f"run-time entity code imports entities::train: {rel}")
    return problems


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src")
    problems = check(src)
    for p in problems:
        print(p)
    if problems:
        print(f"layers: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    modules = len(graph(src))
    print(f"layers: {modules} modules importing others, no cycle, every import downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
