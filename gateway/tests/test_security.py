"""S1 unit tests of the login security rules: lock-out, password policy, TOTP windows and reuse."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from gateway import security
from gateway.security import LockoutPolicy

NOW = datetime(2026, 3, 5, 12, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
POLICY = LockoutPolicy(max_failures=5, lock_minutes=15)


def code_at(moment):
    return pyotp.TOTP(SECRET).at(moment)


# --- lock-out -------------------------------------------------------------------------------------


def minutes_ago(*minutes):
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_issue12_5_the_fifth_failure_of_a_pair_locks_it_for_fifteen_minutes():
    assert security.pair_lock(minutes_ago(4, 3, 2, 1), NOW, POLICY) is None
    assert security.pair_lock([*minutes_ago(4, 3, 2, 1), NOW], NOW, POLICY) == NOW + timedelta(minutes=15)
    # The lock ends at its time; then the pair has five more tries.
    later = NOW + timedelta(minutes=15)
    assert security.pair_lock([*minutes_ago(4, 3, 2, 1), NOW], later, POLICY) is None
    assert security.pair_lock([*minutes_ago(4, 3, 2, 1), NOW, later], later, POLICY) is None


def test_issue12_5_each_further_lock_of_a_pair_doubles_up_to_a_day():
    times = [NOW - timedelta(minutes=100) + timedelta(seconds=i) for i in range(9)] + [NOW]
    assert security.pair_lock(times, NOW, POLICY) == NOW + timedelta(minutes=30)
    many = [NOW - timedelta(hours=23) + timedelta(seconds=i) for i in range(99)] + [NOW]
    assert security.pair_lock(many, NOW, POLICY) == NOW + timedelta(hours=24)
    # Failures older than the history (a day) are forgotten.
    assert security.pair_lock(minutes_ago(25 * 60, 25 * 60, 25 * 60, 25 * 60, 0), NOW, POLICY) is None


def test_issue12_5_under_attack_every_failure_of_a_pair_locks_it():
    assert not security.under_attack(99, POLICY) and security.under_attack(100, POLICY)
    assert security.pair_lock([NOW], NOW, POLICY, under_attack=True) == NOW + timedelta(minutes=15)
    assert security.pair_lock([], NOW, POLICY, under_attack=True) is None


def test_issue12_5_one_address_is_throttled_across_usernames():
    assert not security.address_throttled(49, POLICY) and security.address_throttled(50, POLICY)


def test_s1_the_limits_come_from_the_settings():
    policy = LockoutPolicy.from_settings(
        {"max_failures": "3", "lock_minutes": "2", "address_max_failures": "7", "user_attack_failures": "9"}
    )
    assert (policy.max_failures, policy.lock_minutes, policy.address_max_failures) == (3, 2, 7)
    assert policy.user_attack_failures == 9
    assert security.pair_lock([NOW] * 3, NOW, policy) == NOW + timedelta(minutes=2)


def test_s1_a_lock_ends_at_its_time():
    until = NOW + timedelta(minutes=15)
    assert security.is_locked(until, NOW)
    assert not security.is_locked(until, until)
    assert not security.is_locked(None, NOW)


# --- passwords ------------------------------------------------------------------------------------


def test_s1_password_policy_length_username_and_common_passwords():
    assert security.password_problems("short one", "maija") == {
        "too_short": {"code": "acc.err.too_short", "params": {"n": 12}}
    }
    assert "is_username" in security.password_problems("maija.meikalainen", "Maija.Meikalainen")
    assert "too_common" in security.password_problems("Password1234")
    assert "too_common" in security.password_problems("correct horse battery staple")
    assert security.password_problems("kolme iloista kissaa", "maija") == {}
    assert security.password_problems("", "maija").keys() == {"too_short"}


@pytest.mark.parametrize(
    "password, problem",
    [
        (" " * 12, "blank"),
        ("\t \n" * 6, "blank"),
        ("a" * 12, "too_simple"),
        ("abababababab", "too_simple"),
        ("kissakissakissa", "too_simple"),
        ("abcdefghijkl", "too_simple"),
        ("123456789012", "too_simple"),
        ("987654321098", "too_simple"),
        ("qwertyuiopas", "too_simple"),
        ("Salasana2024!", "too_common"),
        ("P@ssw0rd1234", "too_common"),
        ("Tervetuloa123", "too_common"),
        ("1qaz2wsx3edc", "too_simple"),
        ("Maija2024!!!", "is_username"),
        ("x" * 100_000, "too_long"),
        ("x" * 1025, "too_long"),
    ],
)
def test_issue12_7c_weak_blank_repeated_sequential_common_and_overlong_passwords_are_refused(
    password, problem
):
    assert problem in security.password_problems(password, "maija")


def test_issue12_7c_an_overlong_password_gets_only_the_length_message():
    assert security.password_problems("x" * 100_000, "maija") == {
        "too_long": {"code": "acc.err.too_long", "params": {"n": 1024}}
    }
    long_one = " ".join(f"kissa{number}" for number in range(128))[:1024]
    assert len(long_one) == 1024 and security.password_problems(long_one, "maija") == {}


def test_s1_temporary_passwords_are_long_random_and_pass_the_policy():
    passwords = {security.temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 16 and not set(password) - set(security.TEMPORARY_PASSWORD_ALPHABET)
        assert security.password_problems(password, "maija") == {}


# --- TOTP -----------------------------------------------------------------------------------------


def test_s1_a_current_code_is_accepted_and_names_its_time_step():
    result = security.check_code(SECRET, code_at(NOW), NOW)
    assert result.ok and result.step == int(NOW.timestamp()) // 30
    assert security.check_code(SECRET, code_at(NOW)[:3] + " " + code_at(NOW)[3:], NOW).ok


@pytest.mark.parametrize("seconds, accepted", [(-30, True), (30, True), (-60, False), (60, False)])
def test_s1_one_step_of_clock_drift_is_allowed_either_way(seconds, accepted):
    code = code_at(NOW + timedelta(seconds=seconds))
    result = security.check_code(SECRET, code, NOW)
    assert result.ok is accepted
    if not accepted:
        assert result.reason == "wrong"


def test_s1_a_used_code_and_older_ones_are_refused():
    first = security.check_code(SECRET, code_at(NOW), NOW)
    again = security.check_code(SECRET, code_at(NOW), NOW, last_step=first.step)
    assert not again.ok and again.reason == "reused"
    older = security.check_code(SECRET, code_at(NOW - timedelta(seconds=30)), NOW, last_step=first.step)
    assert not older.ok and older.reason == "reused"
    later = NOW + timedelta(seconds=30)
    assert security.check_code(SECRET, code_at(later), later, last_step=first.step).ok


@pytest.mark.parametrize("code", ["", None, "12345", "1234567", "abcdef", "12 34 5x"])
def test_s1_malformed_codes_are_refused_as_such(code):
    result = security.check_code(SECRET, code, NOW)
    assert not result.ok and result.reason == "malformed"


def test_s1_the_otpauth_uri_and_its_qr_code():
    uri = security.totp_uri(SECRET, "maija")
    assert uri.startswith("otpauth://totp/Piiri:maija?secret=" + SECRET)
    assert "issuer=Piiri" in uri
    qr = security.totp_qr_data_uri(uri)
    assert qr.startswith("data:image/svg+xml")
    secret = security.new_totp_secret()
    assert len(secret) == 32 and pyotp.TOTP(secret).now().isdigit()


# --- TOTP secrets at rest (issue 12 item 7h) -------------------------------------------------------


def test_issue12_7h_secrets_are_sealed_opened_and_rotated():
    from gateway.secret_box import SecretBox

    old, new = SecretBox(["old key"]), SecretBox(["new key", "old key"])
    sealed = old.seal(SECRET)
    assert sealed.startswith("fernet:") and SECRET not in sealed
    assert old.open(sealed) == SECRET and new.open(sealed) == SECRET  # the old key still opens it
    assert new.needs_reseal(sealed) and not new.needs_reseal(new.seal(SECRET))
    assert new.open(SECRET) == SECRET and new.needs_reseal(SECRET)  # stored before encryption
    with pytest.raises(ValueError):
        SecretBox(["another key"]).open(sealed)
    assert SecretBox([]).open(SecretBox([]).seal(SECRET)) == SECRET  # the development key
