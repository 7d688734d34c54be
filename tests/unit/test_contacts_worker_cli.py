"""Issue 18: ``piiri run`` (and so `make run`) starts the contacts worker by default, on the contacts
database; ``piiri run --services contacts_worker`` runs it alone (deploy/)."""

from piiri_cli.cli import DATABASE_OF, SERVICE_CLASSES, database_names, parse_services


def test_piiri_run_starts_the_worker_by_default_on_the_contacts_database():
    assert SERVICE_CLASSES["contacts_worker"] == "services.contacts.worker:ContactsWorker"
    assert DATABASE_OF["contacts_worker"] == "contacts"
    assert parse_services("contacts_worker") == ["contacts_worker"]
    assert database_names(["contacts", "contacts_worker"]) == ["contacts"]
