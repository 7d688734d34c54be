"""The mypy configuration checks what issue 11 item 9 asks: the kit piiri/ and every service's contract
module, strictly (a narrowed file list, a dropped ``strict`` or a per-module relaxation of our own code
fails here, not silently), and `make lint` / `make test` run it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What must be checked strictly, as globs from the repository root (tests excluded).
REQUIRED = (
    "piiri/**/*.py",
    "services/*/contract.py",
    "services/*/contract/**/*.py",
    "services/*/*/contract.py",
)
OWN_PACKAGES = ("piiri", "services", "gateway", "piiri_cli", "tests")
# Per-module options that would weaken the checks of our own modules.
WEAKENING = {
    "ignore_errors",
    "strict",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "check_untyped_defs",
}


def mypy_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def checked_files(config):
    """Every .py file mypy checks: the ``files`` entries, each a file, a folder or a glob."""
    checked = set()
    for entry in config["files"]:
        for path in ROOT.glob(entry) if any(ch in entry for ch in "*?[") else [ROOT / entry]:
            if path.is_dir():
                checked.update(path.rglob("*.py"))
            elif path.suffix == ".py":
                checked.add(path)
    return {path.resolve() for path in checked}


def required_files():
    found = set()
    for pattern in REQUIRED:
        found.update(path.resolve() for path in ROOT.glob(pattern) if "tests" not in path.parts)
    return found


def test_issue11_item9_mypy_is_strict():
    config = mypy_config()
    assert config["strict"] is True
    assert config.get("follow_imports", "normal") in ("normal", "silent")
    assert "exclude" not in config
    assert not config.get("ignore_errors")
    # the only global relaxations: subclassing nameko's untyped classes, untyped calls into two libraries
    relaxed = {
        key for key, value in config.items() if key not in ("strict", "files", "overrides") and not value
    }
    assert relaxed <= {"disallow_subclassing_any"}, relaxed
    assert set(config.get("untyped_calls_exclude", [])) <= {"marshmallow", "kombu"}


def test_issue11_item9_kit_and_every_contract_module_are_checked():
    required = required_files()
    assert ROOT.joinpath("piiri", "audit.py").resolve() in required
    assert ROOT.joinpath("services", "contacts", "groups", "contract.py").resolve() in required
    assert ROOT.joinpath("services", "exports", "contract", "formats.py").resolve() in required
    missing = sorted(str(path.relative_to(ROOT)) for path in required - checked_files(mypy_config()))
    assert not missing, f"not checked by mypy: {missing}"


def test_issue11_item9_overrides_only_relax_third_party_libraries():
    for override in mypy_config().get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        own = [module for module in modules if module.split(".")[0] in OWN_PACKAGES]
        assert not own or not WEAKENING & set(override), (own, override)
        assert not override.get("ignore_errors"), override


def test_issue11_item9_make_lint_and_make_test_run_mypy():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test", "lint"):
        body = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
        assert "$(BIN)/mypy" in body, target
    assert ".mypy_cache" in (ROOT / ".gitignore").read_text()
