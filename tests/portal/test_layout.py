"""The layout rules a reader can check by reading imports (docs/architecture.md).

Imports are read from the source (ast), function-level ones included: a lazy import hides a circle
from Python, not from the reader.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("portal", *settings.DOMAIN_APPS)


def module_files():
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                parts = list(path.relative_to(ROOT).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                yield ".".join(parts), path


MODULES = dict(module_files())


def imported_modules(path):
    """The first-party modules a file imports (`from a.b import c` is a.b.c when that is a module)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name:
                yield name


def import_graph():
    graph = {}
    for module, path in MODULES.items():
        # A module's own packages are not an arrow of its own (importing a.b runs a/__init__).
        graph[module] = {target for target in imported_modules(path) if not module.startswith(f"{target}.")}
        graph[module].discard(module)
    return graph


def circles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    """A service queues a task by its dotted path (portal.tasks.enqueue_on_commit), so tasks → services only."""
    assert circles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a.services": {"a.tasks"}, "a.tasks": {"a.services"}, "a.views": {"a.services"}}) == [
        ["a.services", "a.tasks"]
    ]


def test_portal_imports_no_domain_app():
    """Arrows go from the apps down to portal; portal finds the apps' pages, API and menu by module name."""
    upward = {
        module: sorted(target for target in targets if target.split(".")[0] in settings.DOMAIN_APPS)
        for module, targets in import_graph().items()
        if module.split(".")[0] == "portal"
    }
    assert {module: targets for module, targets in upward.items() if targets} == {}


def test_the_apps_fill_the_registries_and_every_menu_entry_resolves():
    from django.urls import reverse

    from portal.navigation import app_entries, role_home_views
    from portal.registry import app_modules

    assert {"families.urls", "creches.urls", "commissions.urls"} <= set(app_modules("urls"))
    assert {"families.api.urls", "creches.api.urls", "commissions.api.urls"} <= set(app_modules("api.urls"))
    assert app_entries()
    for url_name in [entry.url_name for entry in app_entries()] + list(role_home_views().values()):
        reverse(url_name)
