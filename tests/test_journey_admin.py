"""Journey 9 (issue 17): the Admin adds a user and resets a password, through the browser only,
in Indonesian, on a desktop and on a phone."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.security.models import AppUser
from tests.conftest import PASSWORD
from tests.helpers import Journey

ROLE_NEEDED = "Pilih paling sedikit satu peran."
HAS_USERNAME = "Kata sandi tidak boleh memuat nama pengguna."


def open_menu(page, category: str, item: str) -> None:
    """A menu entry as a person reaches it: on a phone, the menu button first."""
    toggle = page.locator(".navbar-toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator(".navbar-collapse .dropdown-toggle", has_text=category).first.click()
    page.locator(".navbar-collapse .dropdown-menu a", has_text=item).first.click()


def pick_role(page, role: str) -> None:
    """The role box is a select2 box: type a few letters, choose the role."""
    page.locator("#roles + .select2-container .select2-search__field").click()
    page.keyboard.type(role[:4])
    page.locator(".select2-results__option", has_text=role).first.click()


def test_admin_adds_a_user_and_resets_a_password(office, browser, viewport):
    base, app = office
    username = f"nyoman.{viewport}"  # both screen sizes share the module's database
    typed = {"first_name": "Nyoman", "last_name": "Arta, S.Kom.", "username": username,
             "position": "Pranata Komputer", "email": f"{username}@denpasarkota.go.id",
             "password": "kopi bali pagi hari", "conf_password": "kopi bali pagi hari"}
    admin = Journey(browser, base, "admin", "admin", viewport)
    page = admin.page

    open_menu(page, "Keamanan", "Daftar Pengguna")
    expect(page.locator(".panel-title", has_text="Daftar Pengguna")).to_be_visible()
    admin.step("users", "kasi.pdsi")
    page.locator("a[href*='/users/add']").first.click()
    admin.step("add-form", "Tambah Pengguna", "Minimal 12 karakter, tanpa nama pengguna")
    expect(page.locator("label[for=roles] strong")).to_have_text("*")  # marked required
    for name, value in typed.items():
        page.fill(f"#{name}", value)

    # Without a role: the message beside "Peran", and everything typed still there.
    page.locator("#model_form button[type=submit]").click()
    admin.step("no-role", ROLE_NEEDED)
    roles_row = page.locator("tr", has=page.locator("label[for=roles]"))
    expect(roles_row.locator(".alert-danger")).to_have_text(ROLE_NEEDED)
    for name, value in typed.items():
        expect(page.locator(f"#{name}")).to_have_value(value)

    pick_role(page, "Pemohon")
    page.locator("#model_form button[type=submit]").click()
    admin.step("added", "Data ditambahkan", "Detail Pengguna", username)
    expect(page.locator("tr", has=page.get_by_text("Peran", exact=True))).to_contain_text(
        "Pemohon")
    with app.app_context():
        user = db.session.execute(select(AppUser).where(AppUser.username == username)).scalar()
        assert user is not None and [r.name for r in user.roles] == ["Pemohon"]
        assert user.position == "Pranata Komputer" and user.active
        db.session.remove()

    # A new password with the user's name in it is refused beside the field.
    page.get_by_text("Atur Ulang Kata Sandi").first.click()
    admin.step("reset-form", "Formulir Atur Ulang Kata Sandi")
    page.fill("#password", f"{username} pagi")
    page.fill("#conf_password", f"{username} pagi")
    page.locator("#model_form button[type=submit]").click()
    admin.step("reset-refused", HAS_USERNAME)
    password_row = page.locator("tr", has=page.locator("label[for=password]"))
    expect(password_row.locator(".alert-danger")).to_contain_text(HAS_USERNAME)
    expect(page.locator("#password")).to_have_value("")  # refused: typed again

    page.fill("#password", PASSWORD)
    page.fill("#conf_password", PASSWORD)
    page.locator("#model_form button[type=submit]").click()
    admin.step("reset-done", "Kata sandi berhasil diubah")
    admin.close()

    # The new user signs in with the password the Admin gave.
    newcomer = Journey(browser, base, username, "admin", viewport)
    newcomer.step("newcomer-home", "Menunggu Tindakan Anda", "Permintaan Saya")
    newcomer.close()
