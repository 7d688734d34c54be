"""make test's two shards (scripts/test_shards.py): every file in exactly one shard, the weights close."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test_shards.py"
spec = importlib.util.spec_from_file_location("test_shards", SCRIPT)
shards = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shards)


def test_weights_follow_the_kind_of_test():
    assert shards.weight("tests/browser/test_ui.py", 2) == 12.0
    assert shards.weight("tests/integration/test_import_bench_smoke.py", 1) == 40.0
    assert shards.weight("tests/integration/test_load_bench_smoke.py", 1) == 100.0  # issue 12/18 load bench
    assert shards.weight("tests/e2e/test_api.py", 10) == 20.0
    assert shards.weight("services/imports/tests/test_sample.py", 10) == 1.0
    assert shards.weight("tests/faults/test_faults.py", 2) == 180.0  # issue 12: the harness's short run


def test_every_file_lands_in_one_shard_and_the_shards_weigh_about_the_same():
    files = {f"tests/e2e/test_{i}.py": i + 1 for i in range(20)}
    files |= {f"tests/browser/test_{i}.py": 3 for i in range(5)}
    files |= {f"services/x/tests/test_{i}.py": 50 for i in range(4)}
    first, second = shards.split(files)
    assert sorted(first + second) == sorted(files) and not set(first) & set(second)
    loads = [sum(shards.weight(path, files[path]) for path in shard) for shard in (first, second)]
    assert abs(loads[0] - loads[1]) <= max(shards.weight(p, n) for p, n in files.items())


def test_each_shard_has_its_own_databases_and_vhost(monkeypatch):
    monkeypatch.delenv("PIIRI_SHARD_PREFIX", raising=False)
    envs = [shards.shard_env(number) for number in (0, 1)]
    assert [env["PIIRI_DATABASE_PREFIX"] for env in envs] == ["piiri_test_s0", "piiri_test_s1"]
    assert envs[1]["PIIRI_AMQP_URI"].endswith("/piiri_test_s1")


def test_make_test_turns_the_browser_screenshots_off_unless_asked(monkeypatch):
    from types import SimpleNamespace

    from tests.browser.conftest import BrowserPage

    monkeypatch.delenv("PIIRI_SCREENSHOTS", raising=False)
    assert shards.shard_env(0)["PIIRI_SCREENSHOTS"] == "off"
    monkeypatch.setenv("PIIRI_SCREENSHOTS", "on")
    assert shards.shard_env(0)["PIIRI_SCREENSHOTS"] == "on"
    calls = []
    page = SimpleNamespace(call=lambda name, **kwargs: calls.append((name, kwargs)))
    BrowserPage.screenshot(page, path="/tmp/x.png", full_page=True)
    assert calls == [("screenshot", {"path": "/tmp/x.png", "full_page": True})]
    monkeypatch.setenv("PIIRI_SCREENSHOTS", "off")
    BrowserPage.screenshot(page, path="/tmp/y.png")
    assert len(calls) == 1


def test_a_shard_prefix_keeps_two_checkouts_apart(monkeypatch):
    monkeypatch.setenv("PIIRI_SHARD_PREFIX", "piiri_test_other_s")
    env = shards.shard_env(1)
    assert env["PIIRI_DATABASE_PREFIX"] == "piiri_test_other_s1"
    assert env["PIIRI_AMQP_URI"].endswith("/piiri_test_other_s1")


def test_a_recorded_cost_outweighs_the_guess_by_kind():
    costs = {"tests/e2e/test_slow.py": 300.0}
    assert shards.weight("tests/e2e/test_slow.py", 1, costs) == 300.0
    assert shards.weight("tests/e2e/test_new.py", 1, costs) == 2.0  # not recorded yet: by its kind
    files = {"tests/e2e/test_slow.py": 1, **{f"tests/e2e/test_{i}.py": 10 for i in range(10)}}
    first, second = shards.split(files, costs=costs)
    alone = first if "tests/e2e/test_slow.py" in first else second
    assert len(alone) <= 2  # 300 s against 10 x 20 s: the slow file shares its shard with little else


def test_costs_are_summed_per_file_from_the_shards_junit_reports(tmp_path):
    report = tmp_path / "shard0.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase file="tests/e2e/test_a.py" name="t1" time="1.25"/>'
        '<testcase file="tests/e2e/test_a.py" name="t2" time="2.5"/>'
        '<testcase file="tests/unit/test_b.py" name="t3" time="0.01"/>'
        "</testsuite></testsuites>"
    )
    assert shards.costs_from_junit([report]) == {"tests/e2e/test_a.py": 3.8, "tests/unit/test_b.py": 0.0}


def test_the_recorded_costs_name_files_that_exist():
    root = SCRIPT.parent.parent
    assert all((root / path).is_file() for path in shards.measured_costs()), "record again: make test-record"
