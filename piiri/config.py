"""Configuration: one YAML per deployment (deploy/*.yml) with ${ENV:default} values, plus database URLs."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from nameko.cli.main import setup_yaml_parser

from piiri import clock

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "deploy" / "local.yml"
SERVICES_WITH_DATABASES = (
    "contacts",
    "audit",
    "gateway",
    "imports",
    "exports",
    "surveys",
    "mailing",
    "billing",
)

_yaml_ready = False


def load_config(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Load the nameko config YAML, substituting environment variables as `nameko run` does."""
    global _yaml_ready
    if not _yaml_ready:
        setup_yaml_parser()
        _yaml_ready = True
    path = Path(path or os.environ.get("PIIRI_CONFIG") or DEFAULT_CONFIG)
    with open(path) as handle:
        config: dict[str, Any] = yaml.safe_load(handle)
    clock.configure(config.get("TIMEZONE"))  # fails here, at start-up, on an unknown time zone
    # issue 11 items 6, 7: every service runs in Piiri's container (signed context, dead letters)
    config.setdefault("SERVICE_CONTAINER_CLS", "piiri.container.PiiriContainer")
    return config


def database_url(config: Mapping[str, object], service: str) -> str:
    """The SQLAlchemy URL of ``service``'s own database.

    ``PIIRI_<SERVICE>_DATABASE_URL`` wins; otherwise ``DATABASE_URL`` (server) + ``/<prefix>_<service>``.
    """
    override = os.environ.get(f"PIIRI_{service.upper()}_DATABASE_URL")
    if override:
        return override
    server = str(config.get("DATABASE_URL", "postgresql+psycopg://piiri:piiri@127.0.0.1:5432"))
    prefix = str(config.get("DATABASE_PREFIX", "piiri"))
    return f"{server.rstrip('/')}/{prefix}_{service}"


def amqp_uri(config: Mapping[str, object]) -> str:
    return str(config["AMQP_URI"])


def http_reuse_port(config: Mapping[str, object]) -> bool:
    """Does the gateway listen with SO_REUSEPORT (HTTP_REUSE_PORT, default on where the system has it)?

    With it, several gateway processes on one machine bind the same address and the kernel spreads the
    incoming connections over them (issue 18: a second gateway process adds capacity)."""
    import socket

    wanted = str(config.get("HTTP_REUSE_PORT", "true")).strip().lower() in ("1", "true", "yes", "on")
    return wanted and hasattr(socket, "SO_REUSEPORT")
