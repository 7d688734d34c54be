"""S1 on the real gateway database: a TOTP code is accepted once even when two logins race with it,
locks are per (username, address) pair (issue 12 item 5), and the lock's audit hook sees the lock."""

from datetime import timedelta

import eventlet
import pyotp
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway import accounts
from gateway.models import login_failures, users
from gateway.security import LockoutPolicy
from gateway.users import create_user
from piiri.errors import AccountLocked, NotAuthenticated

PASSWORD = "kuusi kuusta kuusessa"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
POLICY = LockoutPolicy(max_failures=3, lock_minutes=15)


@pytest.fixture
def maija(clean_databases):
    engine = clean_databases["gateway"]
    with Session(engine) as session:
        user = create_user(session, "maija", PASSWORD, role="staff")
        session.execute(
            update(users)
            .where(users.c.id == user["id"])
            .values(totp_secret=SECRET, totp_enabled_at=user["created_at"])
        )
        session.commit()
        return engine, accounts.user_by_id(session, user["id"])


def test_s1_two_logins_racing_with_the_same_code_get_in_once(maija):
    engine, user = maija
    code = pyotp.TOTP(SECRET).now()

    def record(*event):
        raise AssertionError(f"no lock expected: {event}")

    def attempt():
        with Session(engine) as session:
            result = accounts.accept_code(session, user, code, accounts.now_utc())
            session.commit()
            return "in" if result.ok else result.reason

    results = sorted(eventlet.GreenPool().imap(lambda _: attempt(), range(2)))
    assert results == ["in", "reused"]


def test_s1_the_lock_counts_failures_of_a_pair_and_is_audited(maija):
    engine, user = maija
    audit = []

    def record(*event):
        audit.append(event)

    with Session(engine) as session:
        for _ in range(2):
            with pytest.raises(NotAuthenticated):
                accounts.check_password(session, "maija", "wrong", "10.0.0.1", POLICY, record)
        assert (
            accounts.check_password(session, "maija", PASSWORD, "10.0.0.1", POLICY, record)["username"]
            == "maija"
        )
        accounts.reset_failures(session, user, "10.0.0.1")
        session.commit()
        for _ in range(2):
            with pytest.raises(NotAuthenticated):
                accounts.check_password(session, "maija", "wrong", "10.0.0.1", POLICY, record)
        assert not audit
        with pytest.raises(AccountLocked) as locked:
            accounts.check_password(session, "maija", "wrong", "10.0.0.1", POLICY, record)
        assert [(action, details["remote_addr"]) for action, _, details in audit] == [
            ("user.locked", "10.0.0.1")
        ]
        assert locked.value.details["locked_until"] == audit[0][2]["locked_until"]
        stored = accounts.user_by_id(session, user["id"])
        assert stored["failed_logins"] == 3 and stored["locked_until"] is not None


def test_issue12_5_a_locked_pair_does_not_lock_the_user_out_from_other_addresses(maija):
    """Anyone could lock 'admin' with five requests: now only their own address is locked."""
    engine, _ = maija
    with Session(engine) as session:
        for _ in range(2):
            with pytest.raises(NotAuthenticated):
                accounts.check_password(session, "maija", "wrong", "198.51.100.66", POLICY, lambda *e: None)
        with pytest.raises(AccountLocked):
            accounts.check_password(session, "maija", "wrong", "198.51.100.66", POLICY, lambda *e: None)
        with pytest.raises(AccountLocked):  # the right password from the locked address: the same answer
            accounts.check_password(session, "maija", PASSWORD, "198.51.100.66", POLICY, lambda *e: None)
        user = accounts.check_password(session, "maija", PASSWORD, "10.0.0.2", POLICY, lambda *e: None)
        assert user["username"] == "maija"
        # Unknown usernames lock the same way, so lock messages do not reveal which names exist.
        for _ in range(2):
            with pytest.raises(NotAuthenticated):
                accounts.check_password(session, "nobody", "wrong", "198.51.100.66", POLICY, lambda *e: None)
        with pytest.raises(AccountLocked):
            accounts.check_password(session, "nobody", "wrong", "198.51.100.66", POLICY, lambda *e: None)


def test_issue12_5_under_a_distributed_attack_each_address_locks_after_one_failure(maija):
    engine, _ = maija
    policy = LockoutPolicy(max_failures=3, lock_minutes=15, user_attack_failures=6)
    with Session(engine) as session:
        for index in range(5):  # five addresses, one failure each: no pair is locked
            with pytest.raises(NotAuthenticated):
                accounts.check_password(
                    session, "maija", "wrong", f"192.0.2.{index}", policy, lambda *e: None
                )
        with pytest.raises(AccountLocked):  # the sixth failure of the username: under attack from now on
            accounts.check_password(session, "maija", "wrong", "192.0.2.5", policy, lambda *e: None)
        with pytest.raises(AccountLocked):
            accounts.check_password(session, "maija", "wrong", "192.0.2.50", policy, lambda *e: None)
        with pytest.raises(AccountLocked):
            accounts.check_password(session, "maija", PASSWORD, "192.0.2.50", policy, lambda *e: None)
        # The user's own address, with no failure, still gets in with the right password.
        assert accounts.check_password(session, "maija", PASSWORD, "10.0.0.2", policy, lambda *e: None)


def test_s1_one_address_is_throttled_across_usernames_before_any_account_locks(maija):
    from gateway import auth
    from piiri.errors import TooManyAttempts

    engine, _ = maija
    settings = {"max_failures": 5, "lock_minutes": 15, "session_hours": 1, "address_max_failures": 50}
    with Session(engine) as session:
        for index in range(50):
            with pytest.raises(NotAuthenticated):
                auth.login(session, f"guess{index}", "wrong", "10.9.9.9", "api", settings)
        with pytest.raises(TooManyAttempts) as throttled:
            auth.login(session, "maija", PASSWORD, "10.9.9.9", "api", settings)
        assert throttled.value.details == {"retry_after_minutes": 15}
        secret, principal = auth.login(
            session, "maija", PASSWORD, "10.0.0.2", "api", settings, totp=pyotp.TOTP(SECRET).now()
        )
        assert secret and principal.user["username"] == "maija"


def test_issue12_7h_totp_secrets_are_stored_encrypted_and_migration_0003_encrypts_old_ones(
    clean_databases, databases
):
    """A secret set up now is stored as a Fernet token; one stored in plaintext before migration 0003 is
    encrypted by it (and still opens); a code of either is accepted."""
    from alembic import command
    from sqlalchemy import text

    from gateway import accounts_totp
    from piiri_cli.databases import alembic_config

    engine = clean_databases["gateway"]
    with Session(engine) as session:
        user = create_user(session, "aino", PASSWORD, role="staff")
        shown = accounts_totp.totp_setup(session, user["id"])["secret"]
        stored = session.execute(
            text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user["id"]}
        ).scalar()
        assert stored.startswith("fernet:") and shown not in stored
        accounts_totp.enable_totp(session, user["id"], pyotp.TOTP(shown).now(), lambda *event: None)

    settings = alembic_config("gateway", databases["gateway"])
    command.downgrade(settings, "0002")
    try:
        with engine.begin() as conn:
            back = conn.execute(text("SELECT totp_secret FROM users WHERE username = 'aino'")).scalar()
            assert back == shown  # the downgrade decrypted it
            conn.execute(text("UPDATE users SET totp_secret = :s WHERE username = 'aino'"), {"s": SECRET})
    finally:
        command.upgrade(settings, "head")
    with Session(engine) as session:
        stored = session.execute(text("SELECT totp_secret FROM users WHERE username = 'aino'")).scalar()
        assert stored.startswith("fernet:") and SECRET not in stored
        user = accounts.user_by_name(session, "aino")
        code = pyotp.TOTP(SECRET).at(accounts.now_utc().timestamp() + 30)
        assert accounts.accept_code(session, user, code, accounts.now_utc()).ok


def test_issue19_a_username_typed_once_is_forgotten_after_the_throttle_history(maija):
    """A failed login keeps the typed username (it may be anyone's e-mail address) only for the day
    the throttle reads: the next failure by anyone deletes every older one, not only its own name's."""
    engine, user = maija
    now = accounts.now_utc()
    with Session(engine) as session:
        typed_once = now - timedelta(hours=POLICY.history_hours, minutes=1)
        accounts.record_failure(
            session, "liisa.poistettu@example.fi", None, "10.0.0.9", typed_once, POLICY, None
        )
        accounts.record_failure(session, "someone-else", None, "10.0.0.8", now, POLICY, None)
        kept = session.execute(select(login_failures.c.username)).scalars().all()
    assert kept == ["someone-else"]
