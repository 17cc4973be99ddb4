"""Layanan TI: the IT-work procedure of DPMPTSP Kota Denpasar as a Flask-AppBuilder app.

The package itself imports nothing: `import app.<module>` must not load the web app (FAB's
views, forms, templates), so the dedicated report worker (app.reports.worker) stays small.
The factory is in app.factory.
"""

from __future__ import annotations


def create_app(config: object | str = "config.Config", **overrides):
    """The whole web app (FAB, views, API, CLI): see app.factory.create_app."""
    from app.factory import create_app as make

    return make(config, **overrides)
