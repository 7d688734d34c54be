"""A preview of a template's parts (M1, M2), shared by the templates' and the campaigns' RPCs: the merge
values of a contact read through contacts.get_contact in the caller's scope (contacts audits the read), or
the sample values, and the rendered parts as the RPCs answer them."""

from services.mailing.mail_templates import rules


def merge_values(contacts, contact_id):
    """The merge fields of a contact read in the caller's scope (contacts audits it), or the samples."""
    if contact_id is None:
        return rules.sample_context()
    return rules.contact_context(contacts.get_contact(str(contact_id)))


def rendered_view(rendered):
    return {"subject": rendered.subject, "html": rendered.html, "text": rendered.text}


def preview(contacts, parts, contact_id):
    """{subject, html, text} of ``parts`` rendered for the contact or the samples."""
    return rendered_view(rules.render(parts, merge_values(contacts, contact_id)))
