"""RPC methods of contact photos (C2), a feature of ContactsService: set (type by magic bytes, 2 MB at
most), read (audited), remove; changes are audited and published in their transaction."""

import base64

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, NotFound
from services.contacts.core import ContactsCore
from services.contacts.photos import rules, storage
from services.contacts.photos.contract import Photo, PhotoInfo

INFO, PHOTO = PhotoInfo(), Photo()


class PhotosRpc(ContactsCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_photo(self, contact_id, content_type, data_base64):
        """Store the contact's photo in place of any earlier one. The type stored is what the bytes
        are (JPEG, PNG or WebP), whatever ``content_type`` declared."""
        actor = self.context.require("contacts.edit")
        data = rules.decode(data_base64)
        problem = rules.photo_problem(data)
        if problem:
            raise rules.refusal(problem)
        detected = rules.image_type(data)
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            about = storage.save(session, contact["id"], detected, data)
            info = INFO.dump({"contact_id": contact["id"], **about})
            self.audit.write(
                self.outbox, session, actor, "contact.photo_changed", "contact", [contact["id"]],
                fields=["photo"],
                details={"content_type": detected, "size": len(data), "declared": str(content_type or "")},
            )  # fmt: skip
            self.outbox.event(
                session, "photo_changed",
                {"contact_id": info["contact_id"], "content_type": detected, "size": len(data)},
            )  # fmt: skip
        self.outbox.flush()
        return info

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_photo(self, contact_id):
        """The photo with its bytes (base64), audited as a read of the contact's photo."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        contact = self._existing(session, contact_id)
        photo = storage.read(session, contact["id"])
        session.rollback()
        if photo is None:
            raise NotFound(f"{contact['display_name']} has no photo.", {"photo": ["contact.no_photo"]})
        self.audit.read(actor, "contact.photo_viewed", "contact", [contact["id"]], fields=["photo"])
        data = photo.pop("data")
        return PHOTO.dump(
            {"contact_id": contact["id"], **photo, "data_base64": base64.b64encode(data).decode("ascii")}
        )

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_photo(self, contact_id):
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            removed = storage.remove(session, contact["id"])
            if removed is None:
                raise NotFound(f"{contact['display_name']} has no photo.", {"photo": ["contact.no_photo"]})
            self.audit.write(
                self.outbox, session, actor, "contact.photo_removed", "contact", [contact["id"]],
                fields=["photo"], details=removed,
            )  # fmt: skip
            self.outbox.event(session, "photo_removed", {"contact_id": str(contact["id"]), **removed})
        self.outbox.flush()
        return {"contact_id": str(contact["id"]), "removed": True}
