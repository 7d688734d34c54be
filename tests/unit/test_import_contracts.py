"""The import-linter contracts that keep the services apart exist and say what issue 11 item 1 asks
(a deleted or weakened contract fails here, not silently), and the contract type finds a violation."""

import tomllib
from pathlib import Path

import grimp

from tests.import_contracts import GatewayAreasIndependent, ServicesOnlyThroughContracts, is_contract_module

ROOT = Path(__file__).resolve().parents[2]


def contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return config, {contract["id"]: contract for contract in config["contracts"]}


def test_issue11_every_boundary_contract_is_configured():
    config, by_id = contracts()
    assert set(config["root_packages"]) == {"piiri", "gateway", "services", "piiri_cli"}
    assert by_id["gateway-contracts-only"]["type"] == "services_only_through_contracts"
    assert by_id["gateway-contracts-only"]["importers"] == ["gateway"]
    assert by_id["services-independent"]["type"] == "services_only_through_contracts"
    assert by_id["services-independent"]["importers"] == ["services"]
    assert by_id["kit-imports-no-service"]["source_modules"] == ["piiri"]
    assert set(by_id["kit-imports-no-service"]["forbidden_modules"]) == {"services", "gateway", "piiri_cli"}
    assert set(by_id["services-import-no-gateway"]["forbidden_modules"]) == {"gateway", "piiri_cli"}
    assert by_id["gateway-imports-no-cli"]["forbidden_modules"] == ["piiri_cli"]
    for contract in by_id.values():
        assert not contract.get("ignore_imports"), contract["id"]


def test_issue11_contract_modules_are_the_contract_files_and_packages():
    assert is_contract_module("services.contacts.contract")
    assert is_contract_module("services.contacts.groups.contract")
    assert is_contract_module("services.exports.contract.formats")
    assert not is_contract_module("services.contacts.rules")
    assert not is_contract_module("services.exports.formats.vcard")
    assert not is_contract_module("services.contract")


def check(imports):
    graph = grimp.ImportGraph()
    for module in ("gateway", "gateway.web", "services", "services.a", "services.a.rules", "services.b"):
        graph.add_module(module)
    for module in ("services.a.contract", "services.b.contract", "services.b.worker"):
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    contract = ServicesOnlyThroughContracts(
        name="test",
        session_options={"root_packages": ["gateway", "services"]},
        contract_options={"importers": ["gateway", "services"], "services_root": "services"},
    )
    return contract.check(graph, verbose=False)


def test_issue11_only_contracts_cross_a_service_boundary():
    legal = [
        ("gateway.web", "services.a.contract"),
        ("services.b.worker", "services.a.contract"),
        ("services.a.rules", "services.a.contract"),
        ("services.b.worker", "services.b.contract"),
    ]
    assert check(legal).kept
    for illegal in (
        ("gateway.web", "services.a.rules"),  # the gateway into a service's internals
        ("services.b.worker", "services.a.rules"),  # one service into another's internals
        ("services.a.contract", "services.a.rules"),  # a contract leaking its service's internals
    ):
        result = check([*legal, illegal])
        assert not result.kept
        assert result.metadata["illegal"] == [f"{illegal[0]} -> {illegal[1]} (l.1)"]


def test_issue11_gateway_areas_contract_is_configured_and_finds_a_crossing():
    _, by_id = contracts()
    areas = by_id["gateway-areas-independent"]
    assert areas["type"] == "gateway_areas_independent"
    assert areas["container"] == "gateway"
    assert set(areas["shared"]) == {"gateway.tests", "gateway.migrations"}
    graph = grimp.ImportGraph()
    for module in ("gateway", "gateway.core", "gateway.tests", "gateway.tests.test_x"):
        graph.add_module(module)
    for area in ("groups", "mailing"):
        for module in (f"gateway.{area}", f"gateway.{area}.web", f"gateway.{area}.schemas"):
            graph.add_module(module)
    legal = [
        ("gateway.mailing.web", "gateway.core"),
        ("gateway.mailing.web", "gateway.mailing.schemas"),
        ("gateway.tests.test_x", "gateway.groups.web"),
    ]
    for importer, imported in [*legal, ("gateway.mailing.web", "gateway.groups.schemas")]:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents="import x")
    contract = GatewayAreasIndependent(
        name="test",
        session_options={"root_packages": ["gateway"]},
        contract_options={"container": "gateway", "shared": ["gateway.tests"]},
    )
    result = contract.check(graph, verbose=False)
    assert not result.kept
    assert result.metadata["illegal"] == ["gateway.mailing.web -> gateway.groups.schemas (l.3)"]
