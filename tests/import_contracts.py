"""The import-linter contract type that keeps the services apart (issue 11 item 1).

``services_only_through_contracts``: a module of ``importers`` may import a module of a service
(a direct child package of ``services_root``) only if that module is the service's public
contract (``services.<svc>.contract``, ``services.<svc>.<feature>.contract`` or a module inside
such a ``contract`` package). Two exceptions follow from the rule, not from a list: a service's
own modules import each other freely, and a contract module, whose service's internals must not
leak out through it, imports only contract modules, even of its own service. New modules and new
services are covered without editing the configuration.
"""

from importlinter import Contract, ContractCheck, fields, output


def is_contract_module(name):
    """True for services.<svc>.contract, services.<svc>.<feature>.contract and their submodules."""
    return "contract" in name.split(".")[2:]


def service_of(name, services):
    """The service package ('services.contacts') holding the module, or None."""
    for service in services:
        if name == service or name.startswith(service + "."):
            return service
    return None


class ServicesOnlyThroughContracts(Contract):
    """Importers reach another service (and a contract reaches anything) only through contracts."""

    type_name = "services_only_through_contracts"

    importers = fields.ListField(subfield=fields.ModuleField())
    services_root = fields.ModuleField()

    def check(self, graph, verbose):
        services = sorted(graph.find_children(self.services_root.name))
        illegal = []
        for importer_root in self.importers:
            for importer in sorted({importer_root.name} | graph.find_descendants(importer_root.name)):
                illegal.extend(self._illegal_imports(graph, importer, services))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    @staticmethod
    def _illegal_imports(graph, importer, services):
        own_service = service_of(importer, services)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target_service = service_of(imported, services)
            if target_service is None or is_contract_module(imported):
                continue
            if target_service == own_service and not is_contract_module(importer):
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = ", ".join(str(detail["line_number"]) for detail in details)
            yield f"{importer} -> {imported} (l.{lines})"

    def render_broken_contract(self, check):
        for line in check.metadata["illegal"]:
            output.print_error(f"- {line}", bold=False)
            output.new_line()
        output.print_error(
            "Move the constant, schema or pure helper into the owning service's contract module "
            "(and have the service's internals import it from there), or call the service by RPC.",
            bold=False,
        )
        output.new_line()


def area_of(name, areas):
    """The gateway area package ('gateway.groups') holding the module, or None (a shared module)."""
    return service_of(name, areas)


class GatewayAreasIndependent(Contract):
    """A module of one gateway area (a child package of ``container`` other than ``shared``) imports no
    module of another area: what areas share lives in the container's own modules (issue 11 item 3)."""

    type_name = "gateway_areas_independent"

    container = fields.ModuleField()
    shared = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph, verbose):
        areas = gateway_areas(graph, self.container.name, {module.name for module in self.shared})
        illegal = []
        for area in areas:
            for importer in sorted({area} | graph.find_descendants(area)):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if area_of(imported, areas) not in (None, area):
                        details = graph.get_import_details(importer=importer, imported=imported)
                        lines = ", ".join(str(detail["line_number"]) for detail in details)
                        illegal.append(f"{importer} -> {imported} (l.{lines})")
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check):
        for line in check.metadata["illegal"]:
            output.print_error(f"- {line}", bold=False)
            output.new_line()
        output.print_error(
            "An area uses only the core and its own modules: move what two areas share into a plain "
            "function of a shared gateway module (gateway/web_helpers.py, gateway/base.py, ...).",
            bold=False,
        )
        output.new_line()


def gateway_areas(graph, container, shared):
    """The area packages: the container's child packages that are not shared ones."""
    return sorted(
        child
        for child in graph.find_children(container)
        if child not in shared and graph.find_descendants(child)
    )
