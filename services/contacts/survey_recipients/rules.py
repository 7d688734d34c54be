"""Who of a page of members can be a survey participant (pure): a member with an e-mail who has not
withdrawn the opt-out purpose's consent and is not deceased; the others with the reason."""

from services.contacts.survey_recipients.contract import DECEASED, NO_EMAIL, OPTED_OUT


def recipient(row, opted_out, member_number):
    """The participant view of one contact row: {"id", "first_name", "last_name", "email", "language",
    "member_number"} or {"id", "skipped": reason}."""
    contact_id = str(row["id"])
    if row.get("deceased_on"):
        return {"id": contact_id, "skipped": DECEASED}
    if not (row.get("email") or "").strip():
        return {"id": contact_id, "skipped": NO_EMAIL}
    if opted_out:
        return {"id": contact_id, "skipped": OPTED_OUT}
    first = row.get("preferred_name") or row.get("first_name") or row.get("organisation_name") or ""
    return {
        "id": contact_id,
        "first_name": first,
        "last_name": row.get("last_name") or "",
        "email": row["email"].strip(),
        "language": row.get("language") or "fi",
        "member_number": None if member_number is None else str(member_number),
    }
