"""The gateway's feature folders (issue 11 item 3): every area is a folder listed once in gateway/areas.py;
its route classes build on GatewayCore and use only what the core or their own area defines; no area
imports another; GatewayService is composed of exactly the areas' routes, with nothing shadowed."""

import ast
import inspect
import textwrap
import tomllib
from pathlib import Path

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from gateway import areas
from gateway.core import GatewayCore
from gateway.service import GatewayService

GATEWAY_DIR = Path(areas.__file__).resolve().parent
AREA_NAMES = [area.name for area in areas.AREAS]
SHARED_PACKAGES = {"tests", "migrations", "static", "templates", "__pycache__"}


# --- the checks, as functions of source text, so that the tests below can prove they find violations --


def self_attributes(class_node):
    """{name: first line} of every ``self.<name>`` a class's methods read or write."""
    used = {}
    for node in ast.walk(class_node):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            used.setdefault(node.attr, node.lineno)
    return used


def assigned_on_self(class_node):
    """Names a class's methods assign as ``self.<name> = ...`` (its own instance attributes)."""
    return {
        target.attr
        for node in ast.walk(class_node)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    }


def undeclared_attributes(class_node, available):
    """``self.<name>`` uses of a class that neither ``available`` (what it defines and inherits) nor its
    own assignments provide: ["name (l.N)"]."""
    own = available | assigned_on_self(class_node)
    return [
        f"{name} (l.{line})" for name, line in sorted(self_attributes(class_node).items()) if name not in own
    ]


def imported_modules(tree, module_name):
    """Every module an AST imports (function-level imports too), relative imports resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module_name.rsplit(".", node.level)[0]
                base = f"{package}.{base}" if base else package
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def other_areas_imported(tree, module_name, area, area_names):
    """The other areas (by name) that a module of ``area`` imports."""
    hits = set()
    for name in imported_modules(tree, module_name):
        parts = name.split(".")
        if len(parts) > 1 and parts[0] == "gateway" and parts[1] in area_names and parts[1] != area:
            hits.add(parts[1])
    return sorted(hits)


# --- the gateway as it is -----------------------------------------------------------------------------


def area_modules(area):
    for path in sorted((GATEWAY_DIR / area).rglob("*.py")):
        relative = path.relative_to(GATEWAY_DIR.parent).with_suffix("")
        yield ".".join(relative.parts).removesuffix(".__init__"), path


def area_classes():
    """(area, class, its AST) of every GatewayCore subclass defined in an area's modules."""
    found = []
    for area in AREA_NAMES:
        for module_name, path in area_modules(area):
            module = __import__(module_name, fromlist=["_"])
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ClassDef):
                    cls = getattr(module, node.name)
                    if isinstance(cls, type) and issubclass(cls, GatewayCore):
                        found.append((area, cls, node))
    return found


def test_issue11_every_area_folder_is_listed_once_and_declares_itself():
    folders = sorted(
        path.name
        for path in GATEWAY_DIR.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in SHARED_PACKAGES
    )
    assert sorted(AREA_NAMES) == folders
    assert len(set(AREA_NAMES)) == len(AREA_NAMES)
    for area in areas.AREAS:
        assert area.routes, area.name
        for routes in area.routes:
            assert routes.__module__.split(".")[:2] == ["gateway", area.name], routes


def test_issue11_the_import_linter_contract_sees_the_listed_areas():
    """lint-imports' gateway-areas-independent contract finds the areas as the gateway's packages other
    than its shared ones: those must be exactly the listed areas."""
    config = tomllib.loads((GATEWAY_DIR.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "gateway-areas-independent")
    assert contract["type"] == "gateway_areas_independent" and contract["container"] == "gateway"
    shared = {name.removeprefix("gateway.") for name in contract["shared"]}
    packages = {
        path.name for path in GATEWAY_DIR.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    }
    assert packages - shared == set(AREA_NAMES)


def test_issue11_area_classes_build_only_on_the_core_and_their_own_area():
    classes = area_classes()
    assert len(classes) >= 2 * len(AREA_NAMES)
    core = set(GatewayCore.__mro__)
    for area, cls, _ in classes:
        for base in cls.__mro__:
            assert base in core or base.__module__.split(".")[:2] == ["gateway", area], (cls, base)


def test_issue11_area_classes_use_only_what_the_core_and_their_own_area_define():
    """No route class reaches into attributes defined elsewhere (another area's methods, the final
    class): every ``self.<name>`` is defined by the class, its own area's bases or GatewayCore."""
    problems = []
    for _, cls, node in area_classes():
        problems += [
            f"{cls.__module__}.{cls.__name__}: self.{hit}"
            for hit in undeclared_attributes(node, set(dir(cls)))
        ]
    assert not problems, problems


def test_issue11_no_area_imports_another():
    problems = []
    for area in AREA_NAMES:
        for module_name, path in area_modules(area):
            tree = ast.parse(path.read_text())
            problems += [
                f"{module_name} imports gateway.{other}"
                for other in other_areas_imported(tree, module_name, area, AREA_NAMES)
            ]
    assert not problems, problems


def test_issue11_the_service_is_the_areas_routes_with_nothing_shadowed():
    """Each name an area class defines is defined by no other area class and not by the core, so the
    composed class answers every route with the area's own method."""
    owner = {}
    for _area, cls, _ in area_classes():
        for name in vars(cls):
            if name.startswith("__"):
                continue
            assert name not in vars(GatewayCore), f"{cls.__name__}.{name} overrides the core"
            assert name not in owner, f"{name}: {owner.get(name)} and {cls.__qualname__}"
            owner[name] = cls.__qualname__
    entrypoints = {
        name
        for name, function in inspect.getmembers(GatewayService, callable)
        if getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ())
    }
    from_areas = {
        name
        for routes in areas.ROUTES
        for name, function in inspect.getmembers(routes, callable)
        if getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ())
    }
    assert entrypoints == from_areas and len(entrypoints) > 250
    assert set(GatewayService.__bases__) == set(areas.ROUTES)


def test_issue11_every_template_has_one_home():
    """The template loader looks in gateway/templates/ and then each area's templates/: a name found
    twice would be shadowed, so none is."""
    folders = [GATEWAY_DIR / "templates"] + [GATEWAY_DIR / name / "templates" for name in AREA_NAMES]
    seen = {}
    for folder in folders:
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            assert name not in seen, f"{name} in {seen.get(name)} and {folder}"
            seen[name] = folder
    hooks = [
        *areas.CONTACT_SECTIONS,
        *areas.CONTACT_PRIVACY_PARTS,
        *areas.LIST_FILTER_SECTIONS,
        *areas.LIST_NOTE_SECTIONS,
    ]
    hooks += [part["template"] for part in areas.CONTACT_FORM_PARTS.values()]
    assert set(hooks) <= set(seen), sorted(set(hooks) - set(seen))


# --- the checks find what they must -------------------------------------------------------------------


def test_issue11_the_attribute_check_finds_a_reach_into_another_area():
    source = textwrap.dedent(
        """
        class MailingWebRoutes(GatewayCore):
            def page(self, request):
                self.cache = {}
                principal = self.web_principal(request)
                return self.advanced_search_page(request, principal, self.cache)
        """
    )
    node = ast.parse(source).body[0]
    assert undeclared_attributes(node, set(dir(GatewayCore)) | {"page"}) == ["advanced_search_page (l.6)"]


def test_issue11_the_import_check_finds_an_import_of_another_area():
    source = textwrap.dedent(
        """
        from gateway.core import GatewayCore
        from gateway.mailing import schemas
        from gateway.groups.web import GroupsWebRoutes

        def late():
            from gateway import person
            from . import calls
        """
    )
    tree = ast.parse(source)
    assert other_areas_imported(tree, "gateway.mailing.web", "mailing", [*AREA_NAMES, "mailing"]) == [
        "groups",
        "person",
    ]
