"""Every view and API, and the menu as the office thinks of it (issue #2)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from babel import dates as babel_dates
from flask import current_app, request
from flask_appbuilder import AppBuilder
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.assets.register import register_assets
from app.checklist.pages import ChecklistPages
from app.checklist.views import (
    CheckItemApi,
    CheckItemView,
    ChecklistRoundApi,
    ChecklistRoundView,
    HolidayView,
    IncidentApi,
    IncidentView,
)
from app.dashboard.views import DashboardView
from app.fab_overrides import drop_unused_routes
from app.notify.one_click_views import OneClickView
from app.notify.views import OutboxView
from app.printing import register as register_printing
from app.reports.views import register as register_reports
from app.requests.api import ImprovementRequestApi, SupportRequestApi
from app.requests.master_views import SimSystemView, SupportTypeView
from app.requests.views import ImprovementRequestView, SupportRequestView
from app.security import roles as R
from app.security.views import (
    AbsenceApi,
    AbsenceView,
    SecurityLogView,
    UnitView,
    fab_pages_in_words,
)


def page_texts() -> dict:
    """The words FAB's page scripts show (select boxes, the action alert, the date picker), in
    the reader's language: month and day names from Babel, weeks from Monday (SPEC §3)."""
    locale = get_locale()

    def week(width: str) -> list[str]:  # the date picker counts from Sunday
        names = babel_dates.get_day_names(width, locale=locale)
        return [names[6]] + [names[day] for day in range(6)]

    def months(width: str) -> list[str]:
        names = babel_dates.get_month_names(width, locale=locale)
        return [names[month] for month in range(1, 13)]

    return {
        "locale": str(locale),
        "select": gettext("Select Value"),
        "noRowSelected": gettext("No row selected"),
        "datepicker": {
            "days": week("wide"), "daysShort": week("abbreviated"), "daysMin": week("short"),
            "months": months("wide"), "monthsShort": months("abbreviated"),
            "today": gettext("Today"), "clear": gettext("Clear"), "titleFormat": "MM yyyy",
            "format": "yyyy-mm-dd", "weekStart": 1,
        },
    }


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/reports/?x=1"), else None: never another host
    ("//evil.example", "/\\evil.example", "https://..."), nor one a browser would read as such
    once it drops control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def return_to_page(appbuilder: AppBuilder) -> None:
    """FAB's language switch (`/lang/<locale>`) goes back through a page history that many
    pages do not write, so it lands elsewhere; the navbar's links name the page they were on
    (`?next=`, appbuilder/navbar_right.html): back there, when it is a path on this site."""
    app = current_app
    endpoint = f"{appbuilder.bm.locale_view.endpoint}.index"
    switch = app.view_functions[endpoint]

    @wraps(switch)
    def switch_and_return(*args, **kwargs):
        response = switch(*args, **kwargs)
        target = same_site_path(request.args.get("next"))
        if target and response.status_code in (301, 302, 303):
            response.headers["Location"] = target
        return response

    app.view_functions[endpoint] = switch_and_return


def register_views(appbuilder: AppBuilder) -> None:
    for view in (ImprovementRequestView, SupportRequestView, AbsenceView, ChecklistRoundView,
                 IncidentView, UnitView, SimSystemView, SupportTypeView, CheckItemView,
                 HolidayView, OutboxView, SecurityLogView):
        drop_unused_routes(view)

    appbuilder.add_view(DashboardView, R.M_DASHBOARD, label=_l("Dashboard"),
                        icon="fa-bar-chart")

    requests = dict(category=R.M_REQUESTS, category_label=_l("Requests"),
                    category_icon="fa-inbox")
    appbuilder.add_view(ImprovementRequestView, R.M_IMPROVEMENT,
                        label=_l("Improvement requests (FM-01)"), icon="fa-wrench", **requests)
    appbuilder.add_view(SupportRequestView, R.M_SUPPORT,
                        label=_l("Support requests (FM-03)"), icon="fa-life-ring", **requests)
    appbuilder.add_view(AbsenceView, R.M_ABSENCE, label=_l("Absences of officials"),
                        icon="fa-plane", **requests)

    checklist = dict(category=R.M_CHECKLIST, category_label=_l("SIM and server checklist"),
                     category_icon="fa-check-square-o")
    appbuilder.add_view(ChecklistPages, R.M_CHECKLIST_TODAY, label=_l("Today's checklist"),
                        icon="fa-check", **checklist)
    appbuilder.add_link(R.M_CHECKLIST_MONTH, label=_l("Monthly overview"),
                        href="/checklist/month", icon="fa-calendar", **checklist)
    appbuilder.add_view(ChecklistRoundView, R.M_ROUNDS, label=_l("Checklist rounds"),
                        icon="fa-list", **checklist)
    appbuilder.add_view(IncidentView, R.M_INCIDENTS, label=_l("SIM incidents"),
                        icon="fa-exclamation-triangle")

    master = dict(category=R.M_MASTER, category_label=_l("Master data"), category_icon="fa-cogs")
    appbuilder.add_view(UnitView, R.M_UNITS, label=_l("Units"), icon="fa-sitemap", **master)
    appbuilder.add_view(SimSystemView, R.M_SYSTEMS, label=_l("SIM systems and modules"),
                        icon="fa-desktop", **master)
    appbuilder.add_view(SupportTypeView, R.M_SUPPORT_TYPES, label=_l("Support types"),
                        icon="fa-tags", **master)
    appbuilder.add_view(CheckItemView, R.M_CHECK_ITEMS, label=_l("Check items"),
                        icon="fa-list-ol", **master)
    appbuilder.add_view(HolidayView, R.M_HOLIDAYS, label=_l("Holidays and joint leave"),
                        icon="fa-calendar", **master)
    appbuilder.add_view(OutboxView, R.M_OUTBOX, label=_l("Outgoing mail"), icon="fa-envelope",
                        **master)
    appbuilder.add_view(SecurityLogView, "Security log", label=_l("Security log"),
                        icon="fa-shield", category="Security")

    appbuilder.add_view_no_menu(OneClickView)

    for api in (ImprovementRequestApi, SupportRequestApi, AbsenceApi, ChecklistRoundApi,
                IncidentApi, CheckItemApi):
        appbuilder.add_api(api)
    register_assets(appbuilder)  # issue 22: the IT equipment register
    register_printing(appbuilder)
    register_reports(appbuilder)
    fab_pages_in_words(appbuilder)  # FAB's own views (users, roles) in the reader's language
    return_to_page(appbuilder)
