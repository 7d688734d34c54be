"""bench/load_bench.py's --name and --port (a run beside another one) and --idle (issue 18)."""

import pytest

from bench.load_bench import PORT, PREFIX, SMOKE_PORT, SMOKE_PREFIX, parse_args


def test_defaults_and_smoke_keep_their_own_names():
    assert (parse_args([]).prefix, parse_args([]).port, parse_args([]).idle) == (PREFIX, PORT, 0)
    smoke = parse_args(["--smoke"])
    assert (smoke.prefix, smoke.vhost, smoke.port) == (SMOKE_PREFIX, SMOKE_PREFIX, SMOKE_PORT)


def test_a_name_and_a_port_give_a_run_its_own_databases_vhost_and_port():
    args = parse_args(["--smoke", "--name", "piiri_bg18s", "--port", "8351", "--idle", "60"])
    assert (args.prefix, args.vhost, args.port, args.idle) == ("piiri_bg18s", "piiri_bg18s", 8351, 60)


@pytest.mark.parametrize(
    "argv", [["--name", "Bad-Name"], ["--port", "80"], ["--idle", "-1"], ["--pool-size", "0"]]
)
def test_bad_names_ports_idle_times_and_pool_sizes_are_refused(argv):
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_the_refusal_names_the_bad_option(capsys):
    for argv, named in ((["--idle", "-1"], "--idle"), (["--pool-size", "0"], "--pool-size")):
        with pytest.raises(SystemExit):
            parse_args(argv)
        assert named in capsys.readouterr().err
