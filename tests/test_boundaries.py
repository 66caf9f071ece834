"""The pure packages stay pure: analysis and survey_forms import without Flask."""
import subprocess
import sys

from tests.helpers import ROOT


def test_analysis_and_survey_forms_import_without_flask():
    code = ("import sys, analysis, survey_forms; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'kiosk', 'werkzeug')]; "
            "assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def _imports(path):
    """Modules a file imports (absolute names; relative imports resolved)."""
    import ast
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def _module(path):
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def test_arrows_point_down_only_web_domain_store():
    """The store imports neither the domain nor the web; the domain never the web nor Flask."""
    bad = []
    for path in (ROOT / "kiosk").rglob("*.py"):
        mod, imports = _module(path), _imports(path)
        if mod.startswith("kiosk.store"):
            bad += [f"{mod} → {i}" for i in imports if i.startswith(("kiosk.domain", "kiosk.web", "flask"))]
        if mod.startswith("kiosk.domain"):
            bad += [f"{mod} → {i}" for i in imports if i.startswith(("kiosk.web", "flask"))]
    assert bad == []


def test_no_import_cycles_between_modules():
    modules = {_module(p): p for p in (ROOT / "kiosk").rglob("*.py")}
    graph = {}
    for m, p in modules.items():
        edges = {i for i in _imports(p) if i in modules and i != m}
        # "from kiosk import store" names the module kiosk.store, not the package's __init__
        graph[m] = {e for e in edges if not any(o.startswith(e + ".") for o in edges)}

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(m for m in graph if m in reach(m))
    assert cycles == []



# The one table of every setting reads best whole (issue 10: "every setting in one table"), and
# so does the schema: one ordered list of migrations, each never edited once shipped.
LONG_BY_DESIGN = {"kiosk/settings.py", "kiosk/store/migrations.py"}


def test_modules_stay_small():
    paths = [*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("analysis/**/*.py"), *ROOT.glob("survey_forms/*.py"),
             *ROOT.glob("bench/*.py"), *ROOT.glob("kiosk/web/static/**/*.js")]
    big = [f"{p.relative_to(ROOT)}: {n}" for p in paths
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 310
           and str(p.relative_to(ROOT)) not in LONG_BY_DESIGN]
    assert big == []
