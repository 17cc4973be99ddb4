"""The password policy (OWASP ASVS 4.0 §2.1) as plain function tests: no app, no database."""

import gzip

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.security.passwords import (
    COMMON_PASSWORDS_FILE,
    common_passwords,
    password_problems,
    validate_password,
)

TOO_SHORT = "Kata sandi minimal 12 karakter."
TOO_LONG = "Kata sandi maksimal 128 karakter."
COMMON = "Kata sandi terlalu umum atau pernah bocor; pilih yang lain."
REPEATED = "Kata sandi tidak boleh hanya satu karakter yang diulang."
HAS_USERNAME = "Kata sandi tidak boleh memuat nama pengguna."


def test_eleven_characters_rejected_twelve_accepted():
    assert password_problems("kopi bali p") == [TOO_SHORT]  # 11 characters
    assert password_problems("kopi bali pa") == []  # 12 characters


def test_passphrase_of_lowercase_words_with_spaces_accepted():
    assert password_problems("kopi bali pagi hari") == []
    assert password_problems("kopi bali pagi hari", "budi") == []


def test_no_composition_rules():
    """ASVS 2.1.9: no digit, capital or symbol is demanded."""
    assert password_problems("jalanjalansoremenujusanur") == []  # letters only
    assert password_problems("839201746352") == []  # digits only
    assert password_problems("Sawah Hijau Di Tabanan") == []


def test_common_passwords_rejected_case_insensitively():
    # All in SecLists' top-100000; "Password1234" is there verbatim, the rest lowercase.
    for password in ("password1234", "Password1234", "PASSWORD1234", "qwertyuiop123",
                     "qwerty123456", "1qaz2wsx3edc", "passwordpassword"):
        assert password_problems(password) == [COMMON], password


def test_indonesian_hand_list_rejected():
    for password in ("bali12345678", "indonesia1945", "admin12345678", "Denpasar2026",
                     "dpmptsp12345", "layananti123"):
        assert password_problems(password) == [COMMON], password
    # Shorter entries are listed too; both problems are named.
    assert password_problems("denpasar123") == [TOO_SHORT, COMMON]
    assert password_problems("layananti") == [TOO_SHORT, COMMON]


def test_single_repeated_character_rejected():
    assert password_problems("aaaaaaaaaaaaaa") == [REPEATED]
    assert password_problems("              ") == [REPEATED]  # 14 spaces


def test_username_inside_rejected():
    assert password_problems("kopi budi pagi hari", "budi") == [HAS_USERNAME]
    assert password_problems("kopi BUDI pagi hari", "Budi") == [HAS_USERNAME]
    assert password_problems("pemohon12345", "pemohon") == [HAS_USERNAME]


def test_maximum_length_128_no_truncation():
    assert len("x" * 127 + "y") == 128
    assert password_problems("x" * 127 + "y") == []
    assert password_problems("x" * 128 + "y") == [TOO_LONG]  # 129 characters
    assert password_problems("kopi bali " * 13) == [TOO_LONG]  # 130 characters


def test_empty_and_none():
    assert password_problems("") == [TOO_SHORT]
    assert password_problems(None) == [TOO_SHORT]


def test_every_problem_is_reported_once():
    assert password_problems("budi", "budi") == [TOO_SHORT, HAS_USERNAME]


def test_validate_password_hook_raises_with_the_messages():
    validate_password("kopi bali pagi hari")  # no exception
    with pytest.raises(PasswordComplexityValidationError, match="minimal 12 karakter"):
        validate_password("pendek1")
    with pytest.raises(PasswordComplexityValidationError, match="terlalu umum"):
        validate_password("Password1234")


def test_list_file_shape():
    raw = gzip.decompress(COMMON_PASSWORDS_FILE.read_bytes()).decode("utf-8")
    lines = raw.splitlines()
    assert COMMON_PASSWORDS_FILE.stat().st_size < 1_000_000
    assert len(lines) > 95_000
    assert lines[:3] == ["123456", "password", "12345678"]  # most common first
    assert all(line == line.lower() and line for line in lines)
    assert len(set(lines)) == len(lines)
    assert common_passwords() is common_passwords()  # loaded once


def test_demo_and_test_passwords_pass():
    # The demo/test values in seeds/loader.py, tests/conftest.py and test_logins_and_sessions.
    assert password_problems("Denpasar#2026", "pemohon") == []
    assert password_problems("Sandi-Baru-2026x", "it.budi") == []
