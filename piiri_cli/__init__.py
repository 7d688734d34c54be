"""The operator's command line (``piiri``, piiri_cli/cli.py), outside the shared kit: it starts, migrates,
seeds and checks every service, so it may import all of them, while the kit piiri/ imports none
(issue 11 item 1; pyproject.toml [tool.importlinter])."""
