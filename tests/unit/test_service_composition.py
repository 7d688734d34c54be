"""Composition is explicit (issue 11 item 3): every service (``services/<name>/service.py``) is exactly the
feature classes of its ``FEATURES`` tuple, each a subclass of the service's one core class (its
dependencies and shared helpers), directly or through one entrypoint-free ``…Work`` class of its own
module (what the feature shares with its background part), and a feature uses only what it, its work
class or the core declares: no feature reaches into another one's attributes, and no entrypoint comes
from anywhere but the feature list. A background worker composed the same way (``worker.py`` with
``WORKER_FEATURES``, issue 18: the contacts service's timers) is held to the same rules.

For the contacts service, its search filters and parts of a contact's record are registered in one
place too (registries.py); one declared anywhere else but not listed there is an error.
"""

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider

ROOT = Path(__file__).resolve().parents[2]
SERVICE_MODULES = sorted(
    f"services.{path.parent.name}.service" for path in (ROOT / "services").glob("*/service.py")
)
# Workers composed of features like a service (their feature tuple is WORKER_FEATURES).
COMPOSED_WORKERS = ("services.contacts.worker",)
# What a service class may hold itself (everything else comes from its features).
SERVICE_OWN = {"name", "__module__", "__qualname__", "__doc__", "__firstlineno__", "__static_attributes__"}


def service_class(module):
    """The nameko service class of ``module``: the class there with a ``name``, bases the features."""
    found = [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__ and "name" in vars(value)
    ]
    assert len(found) == 1, f"{module.__name__}: one service class with a name, found {found}"
    return found[0]


def work_classes(feature):
    """The entrypoint-free work classes between ``feature`` and the core (at most one, of its module)."""
    (base,) = feature.__bases__
    if base.__name__.endswith("Work") and base.__module__ == feature.__module__:
        return (base,)
    return ()


def composition(module_name):
    module = importlib.import_module(module_name)
    listed = "WORKER_FEATURES" if module_name in COMPOSED_WORKERS else "FEATURES"
    assert hasattr(module, listed), f"{module_name} lists its feature classes in {listed}"
    features = tuple(getattr(module, listed))
    for feature in features:
        assert len(feature.__bases__) == 1, f"{feature.__name__} has one base: the core or its work class"
    cores = {(work_classes(feature) or (feature,))[0].__bases__[0] for feature in features}
    assert len(cores) == 1, f"{module_name}: every feature builds on one core class, found {cores}"
    return service_class(module), features, cores.pop()


COMPOSED = [*SERVICE_MODULES, *COMPOSED_WORKERS]


def own_names(cls):
    """What ``cls`` declares itself: its class namespace and the attributes its methods assign on self."""
    names = set(vars(cls))
    for node in ast.walk(class_tree(cls)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and is_self(node.value):
            names.add(node.attr)
    return names


def class_tree(cls):
    return ast.parse(textwrap.dedent(inspect.getsource(cls)))


def is_self(node):
    return isinstance(node, ast.Name) and node.id == "self"


def used_on_self(cls):
    """{attribute: first line} of every ``self.<attribute>`` in the class's source."""
    used = {}
    first_line = inspect.getsourcelines(cls)[1]
    for node in ast.walk(class_tree(cls)):
        if isinstance(node, ast.Attribute) and is_self(node.value):
            used.setdefault(node.attr, first_line + node.lineno - 1)
    return used


def defining_class(service, name):
    return next(cls for cls in service.__mro__ if name in vars(cls))


@pytest.mark.parametrize("module_name", COMPOSED)
def test_the_service_is_exactly_its_listed_features(module_name):
    service, features, core = composition(module_name)
    assert service.__bases__ == features, f"{service.__name__} subclasses exactly FEATURES, in order"
    # (an empty __annotations__ appears once anything has asked a class without annotations for them)
    extra = sorted(name for name, value in vars(service).items() if name not in SERVICE_OWN and value != {})
    assert not extra, f"{service.__name__} declares {extra} itself: they belong in a feature or the core"
    assert len(set(features)) == len(features), "a feature listed twice"
    assert core not in features


@pytest.mark.parametrize("module_name", COMPOSED)
def test_entrypoints_come_only_from_the_listed_features_and_dependencies_from_them_or_the_core(module_name):
    service, features, core = composition(module_name)
    entrypoints = 0
    for name, member in inspect.getmembers(service):
        if getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, None):
            entrypoints += 1
            owner = defining_class(service, name)
            assert owner in features, f"entrypoint {name} comes from {owner.__name__}, not from FEATURES"
        if isinstance(member, DependencyProvider):
            owner = defining_class(service, name)
            works = [work for feature in features for work in work_classes(feature)]
            assert owner in (core, *features, *works), f"dependency {name} comes from {owner.__name__}"
    assert entrypoints, f"{service.__name__} has no entrypoints"
    for name, member in vars(core).items():
        assert not getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, None), f"the core declares entrypoint {name}"
    for work in {work for feature in features for work in work_classes(feature)}:
        for name, member in vars(work).items():
            assert not getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, None), f"{work.__name__} declares {name}"


@pytest.mark.parametrize("module_name", COMPOSED)
def test_no_two_features_declare_the_same_name(module_name):
    """In one class the later would silently hide the other (nameko sees only one of them)."""
    _, features, core = composition(module_name)
    seen = {name: core.__name__ for name in vars(core) if not name.startswith("__")}
    for feature in features:
        for name in [*vars(feature), *(name for work in work_classes(feature) for name in vars(work))]:
            if name.startswith("__"):
                continue
            assert name not in seen, f"{feature.__name__}.{name} is declared by {seen[name]} too"
            seen[name] = feature.__name__


@pytest.mark.parametrize("module_name", COMPOSED)
def test_a_feature_uses_only_its_own_attributes_and_the_cores(module_name):
    _, features, core = composition(module_name)
    core_names = own_names(core)
    assert not set(used_on_self(core)) - core_names, f"{core.__name__} uses attributes it does not declare"
    for feature in features:
        allowed = (
            core_names | own_names(feature) | {n for work in work_classes(feature) for n in own_names(work)}
        )
        for work in work_classes(feature):
            foreign = set(used_on_self(work)) - core_names - own_names(work)
            assert not foreign, f"{work.__name__} uses self.{', self.'.join(sorted(foreign))}"
        foreign = {name: line for name, line in used_on_self(feature).items() if name not in allowed}
        where = inspect.getsourcefile(feature)
        assert not foreign, (
            f"{feature.__name__} ({where}) uses self.{', self.'.join(sorted(foreign))} (lines "
            f"{sorted(foreign.values())}), declared neither by it nor by {core.__name__}: declare it in "
            "the core, or import a plain function from the feature that owns it"
        )


def imported_modules(path):
    """The modules a source file imports (``from a.b import c`` counts as a.b and a.b.c)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_name(path):
    relative = path.relative_to(ROOT).with_suffix("")
    return ".".join(part for part in relative.parts if part != "__init__")


def service_sources(module_name_of_service):
    """The service's modules but its tests, migrations and the modules that compose features (service.py,
    worker.py of a COMPOSED_WORKERS module)."""
    folder = ROOT / Path(*module_name_of_service.split(".")[:2])
    composers = {"service.py"} | {
        name.split(".")[-1] + ".py"
        for name in COMPOSED_WORKERS
        if name.startswith(f"{module_name_of_service[:-8]}.")
    }
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).parts
        if parts[0] not in ("tests", "migrations") and path.name not in composers:
            yield path


@pytest.mark.parametrize("module_name_of_service", SERVICE_MODULES)
def test_only_the_service_module_imports_the_features(module_name_of_service):
    """What one feature borrows from another is a plain function of its rules.py/storage.py (or another
    module of it), never its RPC module: only service.py puts the features together."""
    _, features, _ = composition(module_name_of_service)
    feature_modules = {feature.__module__ for feature in features} - {module_name_of_service}
    for path in service_sources(module_name_of_service):
        borrowed = (imported_modules(path) & feature_modules) - {module_name(path)}
        assert not borrowed, f"{path.relative_to(ROOT)} imports the feature module(s) {sorted(borrowed)}"


def test_the_check_finds_a_feature_reaching_into_another():
    class Core:
        db = object()

    class Borrower(Core):
        def run(self):
            return self.db, self._helper_of_another_feature()

    assert set(used_on_self(Borrower)) - own_names(Core) - own_names(Borrower) == {
        "_helper_of_another_feature"
    }


def contacts_modules():
    for path in service_sources("services.contacts.service"):
        yield module_name(path)


def test_every_declared_search_filter_and_contact_detail_is_listed_in_the_registries():
    from services.contacts import registries
    from services.contacts.details import DetailPart
    from services.contacts.filters import FilterSet

    declared = {}
    for name in contacts_modules():
        for attribute, value in vars(importlib.import_module(name)).items():
            if isinstance(value, (FilterSet, DetailPart)) and not attribute.startswith("_"):
                declared.setdefault(id(value), (f"{name}.{attribute}", value))
    listed = {id(value) for value in (*registries.FILTER_SETS, *registries.DETAIL_PARTS)}
    missing = sorted(where for key, (where, _) in declared.items() if key not in listed)
    assert not missing, f"declared but not listed in services/contacts/registries.py: {missing}"
    assert len(listed) == len(registries.FILTER_SETS) + len(registries.DETAIL_PARTS)
