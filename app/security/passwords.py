"""Password policy for every way a user is made: UI, API, CLI, seed (ASVS 2.1)."""

from flask_appbuilder.exceptions import PasswordComplexityValidationError

MIN_LENGTH = 10


def password_problems(password: str, username: str | None = None) -> list[str]:
    problems = []
    if len(password or "") < MIN_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if not any(ch.isalpha() for ch in password or ""):
        problems.append("Kata sandi harus mengandung huruf.")
    if not any(ch.isdigit() for ch in password or ""):
        problems.append("Kata sandi harus mengandung angka.")
    if username and password and username.lower() in password.lower():
        problems.append("Kata sandi tidak boleh memuat nama pengguna.")
    return problems


def validate_password(password: str) -> None:
    """FAB's FAB_PASSWORD_COMPLEXITY_VALIDATOR hook."""
    problems = password_problems(password)
    if problems:
        raise PasswordComplexityValidationError(" ".join(problems))
