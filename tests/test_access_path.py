"""One access path: views get their objects from `access`, and only `access` refuses (issue #17).

The URL × persona matrix (test_permission_matrix.py) checks what each persona gets; these tests check where
the decision is made, so that a new view cannot quietly write its own check.
"""

import ast
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(settings.BASE_DIR)
DOMAIN_APPS = ["members", "meetings", "documents", "notifications", "evaluations", "archive", "audit"]
# The web layer inside the apps' folders: it sits above `access` and may use it.
WEB_LAYER = {"views", "urls", "middleware", "context_processors", "security", "management"}


def _view_modules() -> set[str]:
    """Every module that holds a view behind a URL, and every views module of the project."""
    modules = set()

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern)
            elif isinstance(pattern, URLPattern):
                callback = getattr(pattern.callback, "view_class", pattern.callback)
                modules.add(callback.__module__)

    walk(get_resolver())
    return {m for m in modules if m.split(".")[0] in {*DOMAIN_APPS, "chibo"}} | {
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for app in [*DOMAIN_APPS, "chibo"]
        for p in [*ROOT.glob(f"{app}/views.py"), *ROOT.glob(f"{app}/views/*.py")]
    }


def _refusals(path: Path) -> list[int]:
    """Lines that raise PermissionDenied (bare, called, or as django.core.exceptions.PermissionDenied)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = exc.attr if isinstance(exc, ast.Attribute) else getattr(exc, "id", "")
            if name == "PermissionDenied":
                lines.append(node.lineno)
    return lines


def _path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def test_no_view_refuses_by_itself():
    modules = _view_modules()
    assert "meetings.views.live" in modules and "audit.views" in modules  # the walk finds the views
    refusing = {m: lines for m in sorted(modules) if (lines := _refusals(_path(m)))}
    assert not refusing, f"views raising PermissionDenied instead of asking access: {refusing}"


def test_the_check_finds_a_refusal(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "from django.core import exceptions\ndef v(r):\n    raise exceptions.PermissionDenied()\n"
    )
    assert _refusals(sample) == [3]


def _imports_access(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "access" for a in node.names):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "access"
        ):
            return True
    return False


def test_domain_modules_do_not_import_access():
    """`access` sits above the domain apps: their models, services, tasks... never import it."""
    offenders = []
    for app in DOMAIN_APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT / app).with_suffix("").parts
            if parts[0] in WEB_LAYER or parts[0] == "migrations":
                continue
            if _imports_access(path):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"domain modules importing access: {offenders}"
