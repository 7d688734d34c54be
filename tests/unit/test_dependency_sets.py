"""The production image installs only the runtime dependencies; tools and test libraries stay out (issue 11)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = ("pytest", "pytest-timeout", "pypdf", "playwright", "ruff", "mypy", "import-linter", "time-machine")


def requirement_names(path):
    names = set()
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(line.split("==", 1)[0].split("[", 1)[0].lower())
    return names


def test_runtime_requirements_hold_no_development_tool():
    assert not requirement_names("requirements.txt") & set(DEV_ONLY)


def test_development_requirements_add_the_tools_on_top_of_the_runtime_set():
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in text
    assert set(DEV_ONLY) <= requirement_names("requirements-dev.txt")


def test_the_image_installs_the_runtime_set_alone():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert "pip install -r requirements.txt -c constraints.txt" in dockerfile
    assert "requirements-dev" not in dockerfile


def test_every_pinned_requirement_is_in_the_lock():
    lock = requirement_names("constraints.txt")
    assert requirement_names("requirements.txt") | requirement_names("requirements-dev.txt") <= lock
