"""Apps depend one way: the import graph of budaya/, built from the source, follows the layers
of docs/architecture.md ("Layers").

A package may import only packages of a lower layer (module-level or inside a function), never
one of its own layer or a higher one; no import inside a function may close a circle of
modules (a function-level import is for a heavy library or Django after setup, not to dodge a
cycle). Django's string references ("periods.Period" in a ForeignKey, dotted paths in
settings) are not imports and are not read.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "budaya"

# Lowest first. A package may import the packages of the layers before its own, only.
LAYERS: list[tuple[str, ...]] = [
    ("config", "language", "logconfig", "safety", "health"),  # shared helpers, no models
    ("scoring",),  # the pure engine (METHOD.md), no Django
    ("instruments",),  # instrument editions (YAML) and their scoring spec
    ("interchange",),  # file formats read and written (CSV, XLSX, JSON), no database
    ("audit", "jobs"),  # the audit log every app writes to; background jobs' progress
    ("institutions",),  # institutions, units, roles and who may see what; the audit log page
    ("security",),  # login lockout, TOTP, generalised storage of personal cells
    ("periods",),  # survey periods and their method; the back-office home page
    ("roster",),  # the employees of a period
    ("survey",),  # invitations, shared links, answers, sealing
    ("evaluation",),  # Evaluasi Budaya Kerja
    ("public",),  # the public employer-branding survey
    ("results",),  # compute, release and store results; close and reopen periods
    ("actions",),  # action plans, change agents, internalisation log (offers evidence upward)
    ("reports",),  # results pages, downloads, PDFs, press summary, report and release jobs
    ("api",),  # the REST API (/api/v1/), API tokens, national open data
    ("demodata",),  # demo data: files for `budaya score`, the web demo (`budaya demo`)
    ("backup",),  # backup and restore archives
    ("cli",),  # the `budaya` command
    ("warmup",),  # first-request warm-up of the web server
    ("settings", "urls", "wsgi", "__main__"),  # Django's and Python's entry points
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def package_of(module: str) -> str | None:
    """Return the top-level package under budaya/ of a dotted module name (None: not ours)."""
    parts = module.split(".")
    if parts[0] != "budaya":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """Return the absolute module an ImportFrom names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def read_imports(root: Path = ROOT) -> list[tuple[str, str, int, bool]]:
    """Return (importer, imported, line, inside a function) of every import of a budaya module
    in the source under `root` (migrations left out: Django writes them)."""
    modules = set()
    files = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = module_name(path, root)
        modules.add(name)
        files.append((path, name))
    found = []
    for path, name in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        inner = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inner.update(
                    id(sub)
                    for sub in ast.walk(node)
                    if isinstance(sub, (ast.Import, ast.ImportFrom))
                )
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                # `from budaya.results import store` imports the module budaya.results.store.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in dict.fromkeys(targets):
                if package_of(target) is not None:
                    found.append((name, target, node.lineno, id(node) in inner))
    return found


IMPORTS = read_imports()


def test_every_package_under_budaya_has_a_layer():
    packages = {
        package_of(module_name(path))
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }
    packages.discard("__init__")
    assert not packages - set(RANK), f"packages without a layer: {sorted(packages - set(RANK))}"
    assert len(RANK) == sum(len(names) for names in LAYERS), "a package is in two layers"


def upward_imports(imports) -> list[str]:
    """Return the imports from one package to another of the same or a higher layer."""
    wrong = []
    for importer, imported, line, inner in imports:
        source, target = package_of(importer), package_of(imported)
        if source == target or target == "__init__":
            continue
        if RANK[target] >= RANK[source]:
            where = "inside a function" if inner else "module level"
            wrong.append(f"{importer}:{line} imports {imported} ({where})")
    return wrong


def test_no_package_imports_its_own_layer_or_a_higher_one():
    assert upward_imports(IMPORTS) == []


def cycle_dodges(imports) -> list[str]:
    """Return the function-level imports A -> B where B already reaches A by module-level
    imports: the function-level import is there only to dodge a circle."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _line, inner in imports:
        if not inner:
            graph.setdefault(importer, set()).add(imported)
            # Importing budaya.x.y runs budaya.x (its __init__) first.
            parts = imported.split(".")
            for end in range(2, len(parts)):
                graph.setdefault(importer, set()).add(".".join(parts[:end]))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    return [
        f"{importer}:{line} imports {imported} inside a function, which imports it back"
        for importer, imported, line, inner in imports
        if inner and imported != importer and reaches(imported, importer)
    ]


def test_no_function_level_import_dodges_a_circle():
    assert cycle_dodges(IMPORTS) == []


def module_cycles(imports) -> list[list[str]]:
    """Return the circles of the module-level import graph (strongly connected parts)."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _line, inner in imports:
        if not inner and importer != imported:
            graph.setdefault(importer, set()).add(imported)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_circle_of_module_level_imports():
    assert module_cycles(IMPORTS) == []


def template_tag_queries(root: Path = ROOT) -> list[str]:
    """Return what in a template tag module reads the database: an import of a models, store,
    services or access module, or a `.objects` manager. Template tags read what the view
    prepared (the view calls budaya.results.sections, say); they format, they do not query."""
    found = []
    for path in sorted(root.rglob("templatetags/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.rsplit(".", 1)[-1] in ("models", "store", "services", "access"):
                    found.append(f"{path.name}:{node.lineno} imports {name}")
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{path.name}:{node.lineno} uses .objects")
    return found


def test_template_tags_read_what_the_view_prepared():
    assert template_tag_queries() == []


# The checks themselves: each finds what it is for in a small made-up source tree.


def _tree(tmp_path, files: dict[str, str]) -> Path:
    root = tmp_path / "budaya"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return root


def test_the_layer_check_finds_an_upward_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "periods/services.py": "from budaya.results.store import latest_set\n",
            "results/store.py": "from budaya.periods.models import Period\n",
            "periods/models.py": "",
        },
    )
    wrong = upward_imports(read_imports(root))
    assert wrong == ["budaya.periods.services:1 imports budaya.results.store (module level)"]


def test_the_layer_check_finds_an_upward_import_inside_a_function(tmp_path):
    root = _tree(
        tmp_path,
        {
            "results/views.py": "def f():\n    from budaya.reports import jobs\n",
            "reports/jobs.py": "",
        },
    )
    assert upward_imports(read_imports(root)) == [
        "budaya.results.views:2 imports budaya.reports.jobs (inside a function)"
    ]


def test_the_layer_check_refuses_imports_between_packages_of_one_layer(tmp_path):
    root = _tree(tmp_path, {"safety.py": "from budaya.config import env_str\n", "config.py": ""})
    assert upward_imports(read_imports(root)) == [
        "budaya.safety:1 imports budaya.config (module level)"
    ]


def test_the_circle_checks_find_a_dodged_and_a_plain_circle(tmp_path):
    root = _tree(
        tmp_path,
        {
            "results/models.py": "def f():\n    from budaya.results.store import assemble\n",
            "results/store.py": "from budaya.results.models import ResultSet\n",
            "survey/a.py": "from budaya.survey import b\n",
            "survey/b.py": "from . import a\n",
        },
    )
    imports = read_imports(root)
    assert cycle_dodges(imports) == [
        "budaya.results.models:2 imports budaya.results.store inside a function, which imports "
        "it back"
    ]
    assert module_cycles(imports) == [["budaya.survey.a", "budaya.survey.b"]]


MIDDLE = ("institutions", "periods", "roster", "survey", "evaluation", "public")


@pytest.mark.parametrize(
    "lower, higher",
    [("scoring", app) for app in MIDDLE]
    + [(app, "results") for app in MIDDLE]
    + [("results", "reports"), ("reports", "cli"), ("demodata", "cli")],
)
def test_the_layers_keep_the_order_scoring_middle_results_reports_cli(lower, higher):
    assert RANK[lower] < RANK[higher]


def test_the_template_tag_check_finds_a_query(tmp_path):
    root = _tree(
        tmp_path,
        {
            "evaluation/templatetags/evaluation_results.py": (
                "from budaya.evaluation.models import Evaluation\n"
                "from budaya.results import store\n"
                "def f():\n    return Evaluation.objects.all()\n"
            )
        },
    )
    assert template_tag_queries(root) == [
        "evaluation_results.py:1 imports budaya.evaluation.models",
        "evaluation_results.py:2 imports budaya.results.store",
        "evaluation_results.py:4 uses .objects",
    ]
