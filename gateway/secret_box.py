"""Secrets the gateway keeps at rest encrypted (issue 12 item 7h): the users' TOTP secrets.

Fernet (AES-128-CBC with HMAC-SHA256) from the ``cryptography`` package. The keys come from
``SECRET_KEYS`` (env PIIRI_SECRET_KEYS): one or more long random texts separated by commas; the first
encrypts, every one decrypts, so a key is rotated by putting the new one first and keeping the old one
until `piiri` has re-encrypted what it used (each secret is re-encrypted with the first key when it is
next read). A stored value is ``fernet:<token>``; a value without the prefix is a secret stored before
encryption (gateway migration 0003 encrypts them; one left over is still read).

Without a configured key a fixed development key is used and a warning logged: fine on a laptop, never
in production (the deploy/ files require PIIRI_SECRET_KEYS).
"""

import base64
import hashlib
import logging
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)

PREFIX = "fernet:"
DEVELOPMENT_KEY = "piiri-development-key-not-for-production"
_configured = None


def parse_keys(raw):
    """The keys of a SECRET_KEYS value: comma-separated, blanks ignored."""
    return [key.strip() for key in str(raw or "").split(",") if key.strip()]


def _fernet(key):
    """A Fernet for any key text: its SHA-256 as the 32-byte Fernet key."""
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


class SecretBox:
    def __init__(self, keys):
        keys = list(keys) or [DEVELOPMENT_KEY]
        self.primary = _fernet(keys[0])
        self.all = MultiFernet([_fernet(key) for key in keys])

    def seal(self, plaintext):
        return PREFIX + self.all.encrypt(plaintext.encode()).decode()

    def open(self, stored):
        """The plaintext of a stored value (None stays None; a value from before encryption is itself).
        ValueError when no configured key opens it."""
        if stored is None or not stored.startswith(PREFIX):
            return stored
        try:
            return self.all.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise ValueError("no configured SECRET_KEYS key decrypts this secret") from None

    def needs_reseal(self, stored):
        """True for a value stored in plaintext or under a key that is no longer the first."""
        if stored is None:
            return False
        if not stored.startswith(PREFIX):
            return True
        try:
            self.primary.decrypt(stored[len(PREFIX) :].encode())
        except InvalidToken:
            return True
        return False


def configure(raw):
    """Use the keys of this SECRET_KEYS value from now on (the gateway's start)."""
    global _configured
    keys = parse_keys(raw)
    if not keys:
        log.warning("SECRET_KEYS is not set: TOTP secrets are encrypted with the development key")
    _configured = SecretBox(keys)


def box():
    """The configured SecretBox (else one from PIIRI_SECRET_KEYS, else the development key)."""
    if _configured is None:
        configure(os.environ.get("PIIRI_SECRET_KEYS"))
    return _configured


class SecretKeys(DependencyProvider):
    """Configures the process's SecretBox from the service's SECRET_KEYS when the gateway starts."""

    def setup(self):
        configure(self.container.config.get("SECRET_KEYS"))

    def get_dependency(self, worker_ctx):
        return box()
