"""The register in and out of files (issue 22):

    GET  /assets/import            the upload form (Kasi PDSI, Admin)
    POST /assets/import            upload -> preview with every row's problems
    POST /assets/import/confirm    write the previewed file, all rows or none
    GET  /assets/export.xlsx       the register as XLSX (re-importable)
    GET  /assets/kir.pdf?unit=&room=     Kartu Inventaris Ruangan
    GET  /assets/labels.pdf?unit=&room=  a sheet of QR labels

The files and prints take a browser session or a bearer token and show only the assets the
reader may see (the same rule as the screens and the API).
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.assets import importer
from app.assets.labels import FIELD_NAMES
from app.assets.models import Asset
from app.assets.visibility import asset_visibility
from app.extensions import db
from app.i18n import in_office_language, office_language
from app.printing import pdf_response
from app.security import roles as R
from app.security.access import current_actor
from app.security.gate import refuse, session_or_token
from app.security.models import Unit
from app.timeutil import utcnow
from reports.xlsx import XLSX_MIMETYPE

REFUSED = "Anda tidak berwenang membuka daftar aset."
SUFFIXES = (".xlsx", ".csv")


def visible_assets(user, unit_id: int | None = None, room: str | None = None) -> list[Asset]:
    statement = (select(Asset).where(asset_visibility(user))
                 .options(selectinload(Asset.unit), selectinload(Asset.holder))
                 .order_by(Asset.unit_id, Asset.room, Asset.inventory_number))
    if unit_id is not None:
        statement = statement.where(Asset.unit_id == unit_id)
    if room:
        statement = statement.where(Asset.room == room)
    return list(db.session.execute(statement).scalars())


def _upload_folder() -> Path:
    folder = Path(current_app.config["ATTACHMENT_FOLDER"]).parent / "asset-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str, user) -> Path | None:
    """The upload behind a preview's token, only for the user who uploaded it."""
    if not token or not token.isalnum():
        return None
    for suffix in SUFFIXES:
        path = _upload_folder() / f"{user.id}-{token}{suffix}"
        if path.exists():
            return path
    return None


def import_columns() -> list[str]:
    """The import's columns as the reader says them (the file may use either language)."""
    return [gettext(FIELD_NAMES[key]) for key in importer.COLUMNS.values()]


def _unit_arg():
    raw = request.args.get("unit", "")
    unit = db.session.get(Unit, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if unit is None:
        refuse(400, "Pilih unit kerja.")
    return unit


class AssetFilesView(BaseView):
    route_base = "/assets"
    class_permission_name = R.ASSET
    method_permission_name = {"import_form": "write", "import_preview": "write",
                              "import_confirm": "write"}
    base_permissions = ["can_read", "can_write", "can_act"]
    default_view = "import_form"

    @expose("/import", methods=["GET"])
    @has_access
    def import_form(self):
        return self.render_template("assets/import.html", checked=None, columns=import_columns())

    @expose("/import", methods=["POST"])
    @has_access
    def import_preview(self):
        upload = request.files.get("file")
        name = (upload.filename or "").lower() if upload else ""
        suffix = next((s for s in SUFFIXES if name.endswith(s)), None)
        if suffix is None:
            flash(gettext("Upload an XLSX or CSV file."), "danger")
            return self.import_form(), 400
        data = upload.read()
        token = secrets.token_hex(16)
        path = _upload_folder() / f"{current_actor().id}-{token}{suffix}"
        path.write_bytes(data)
        return self._preview(path, token)

    @expose("/import/confirm", methods=["POST"])
    @has_access
    def import_confirm(self):
        user = current_actor()
        path = _stored(request.form.get("token", ""), user)
        if path is None:
            flash(gettext("The uploaded file is no longer available; upload it again."),
                  "warning")
            return redirect(url_for("AssetFilesView.import_form"))
        try:
            checked = importer.check(importer.read_rows(path.read_bytes(), path.name))
        except importer.ImportFileError as err:
            flash(str(err), "danger")
            return redirect(url_for("AssetFilesView.import_form"))
        if not checked.ok:  # changed meanwhile (another import, an edit): show it again
            return self._preview(path, request.form.get("token"))
        try:
            importer.apply(checked, user, utcnow())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(gettext("The register was changed by someone else meanwhile; nothing was "
                          "imported. Upload the file again."), "danger")
            return redirect(url_for("AssetFilesView.import_form"))
        path.unlink(missing_ok=True)
        flash(gettext("Import done: %(created)s new, %(changed)s changed, %(unchanged)s "
                      "unchanged.", created=checked.created, changed=checked.changed,
                      unchanged=checked.unchanged), "success")
        return redirect(url_for("AssetView.list"))

    def _preview(self, path: Path, token: str):
        try:
            checked = importer.check(importer.read_rows(path.read_bytes(), path.name))
        except importer.ImportFileError as err:
            path.unlink(missing_ok=True)
            flash(str(err), "danger")
            return self.import_form(), 400
        if not checked.ok:
            path.unlink(missing_ok=True)
        return self.render_template("assets/import.html", checked=checked, token=token,
                                    columns=import_columns()), (200 if checked.ok else 400)

    @expose("/export.xlsx")
    @session_or_token(R.ASSET, REFUSED)
    def export(self, user):
        from app.assets.export import write_register

        handle = tempfile.TemporaryFile()
        with office_language():
            write_register(handle, visible_assets(user), utcnow())
        handle.seek(0)
        response = send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                             download_name="daftar_aset_ti.xlsx")
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/kir.pdf")
    @session_or_token(R.ASSET, REFUSED)
    @in_office_language
    def kir(self, user):
        from app.assets.printing import kir_pdf

        unit, room = _unit_arg(), request.args.get("room") or None
        assets = visible_assets(user, unit.id, room)
        if not assets:
            refuse(404, "Tidak ada aset yang dapat ditampilkan untuk unit/ruangan ini.")
        data = kir_pdf(unit, room, assets, unit.head, utcnow())
        return pdf_response(data, f"KIR-{unit.code}.pdf")

    @expose("/labels.pdf")
    @session_or_token(R.ASSET, REFUSED)
    @in_office_language
    def labels(self, user):
        from app.assets.printing import labels_pdf

        unit_id = _unit_arg().id if request.args.get("unit") else None
        assets = visible_assets(user, unit_id, request.args.get("room") or None)
        if not assets:
            refuse(404, "Tidak ada aset yang dapat ditampilkan.")
        base = current_app.config["APP_BASE_URL"]
        data = labels_pdf(assets, lambda a: base + url_for("AssetView.show", pk=a.id), utcnow())
        return pdf_response(data, "label-aset-ti.pdf")
