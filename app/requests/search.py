"""Text search on a request's number and title that stays quick at a million rows.

FAB's "contains" filter asks for `title ILIKE '%term%'`, which reads every row. The database
gets a trigram index for it instead (migration 0003):
- PostgreSQL: GIN indexes with `gin_trgm_ops` (extension pg_trgm) on `title` and `number`;
  they serve the very ILIKE that FAB emits, so the filter is FAB's own there.
- SQLite: an FTS5 table with the trigram tokenizer over the same two columns, kept in step by
  triggers; its LIKE is case-insensitive and answered from the index. The filter below turns
  "contains" into `id IN (SELECT rowid FROM request_search WHERE title LIKE '%term%')`.
The search objects are not models: migrations create them, and autogenerate leaves them be.

A search's cost does not grow with its matches (issue 21):
- its count stops at SEARCH_CAP + 1 (`capped_count`) and then shows as "more than 10,000";
- on SQLite one read of the index, itself stopped at SEARCH_CAP + 1 ids, chooses the plan: a
  term with at most that many matches pages those ids (passed back as one JSON list, so the
  index is read once per page, not for the count and the rows again); a broader one reads
  the list in its order and stops at the page's last row (every FM-01 row holds "Modul": the
  first 25 rows are the first page). PostgreSQL's planner makes the same choice from its
  statistics.
- one or two characters are not searched: no index serves them (a trigram is three) and they
  match a large share of every list; the request numbers all begin with the same digits, so a
  prefix match on the number finds nothing useful either. The list says "type at least 3
  characters" instead, and the API answers 400 with that message.
"""

from __future__ import annotations

import json

from flask import g, has_request_context
from flask_appbuilder.models.sqla import filters as fab_filters
from flask_babel import format_decimal, gettext, lazy_gettext
from sqlalchemy import column, false, func, literal_column, or_, select, table, text
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import BadRequest

from app.errors import wants_json
from app.extensions import db
from app.requests.tally import TALLY_TABLE

SEARCH_TABLE = "request_search"
INDEXED_COLUMNS = ("number", "title")
TRIGRAM_INDEXES = tuple(f"ix_request_{name}_trgm" for name in INDEXED_COLUMNS)

_fts = table(SEARCH_TABLE, column("rowid"), *(column(name) for name in INDEXED_COLUMNS))


SPECIAL = ("\\", "%", "_")
SEARCH_CAP = 10_000  # a search counts its matches up to this many, then says "more than"
MIN_TERM = 3  # characters: the shortest term a trigram index serves


class CappedCount(int):
    """A search's count that stopped at SEARCH_CAP + 1: shown as "more than 10,000" (FAB's
    "Record Count" prints it); the REST API's `count` is then SEARCH_CAP + 1."""

    def __str__(self) -> str:
        return gettext("more than %(n)s", n=format_decimal(SEARCH_CAP))

    __html__ = __str__

    def __floordiv__(self, other):
        # The list reads a page past the middle from the far end, which needs the true
        # count: `count // 2` as large as the count keeps a capped list reading forwards.
        return int(self)


class ShortTerm(BadRequest):
    """A search term under MIN_TERM characters, refused in the API with this message."""

    def __str__(self) -> str:  # FAB's API answers 400 with str() of it
        return str(self.description)


def short_term_message() -> str:
    return gettext("Type at least %(n)s characters to search.", n=MIN_TERM)


def is_short(words: str) -> bool:
    return 0 < len(words) < MIN_TERM


def capped_count(query) -> int:
    """COUNT of a query's rows, stopped at SEARCH_CAP + 1 (a CappedCount then)."""
    limited = query.limit(SEARCH_CAP + 1).subquery()
    counted = query.session.query(func.count()).select_from(limited).scalar()
    return CappedCount(counted) if counted > SEARCH_CAP else counted


def literal_like(column, before: str, value, after: str, method: str = "ilike"):
    """`column LIKE pattern` with the user's text taken literally: % and _ are characters,
    not wildcards. Only text that holds one of them gets an ESCAPE clause (SQLite's FTS5
    trigram index is not used for a LIKE with ESCAPE)."""
    text = str(value)
    if not any(char in text for char in SPECIAL):
        return getattr(column, method)(f"{before}{text}{after}")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return getattr(column, method)(f"{before}{text}{after}", escape="\\")


def _pattern_filter(fab_filter, before: str, after: str, negate: bool = False):
    """FAB's text filter with the typed value taken literally (FAB passes it to ILIKE raw,
    so "%" found every row)."""

    class Literal(fab_filter):
        def apply(self, query, value):
            query, field = fab_filters.get_field_setup_query(query, self.model,
                                                             self.column_name)
            condition = literal_like(field, before, value, after)
            return query.filter(~condition if negate else condition)

    Literal.__name__ = fab_filter.__name__
    return Literal


class FilterContainsIndexed(_pattern_filter(fab_filters.FilterContains, "%", "%")):
    """"Contains", answered by the SQLite trigram table for a request's number and title;
    any other column, model or database gets the literal ILIKE above."""

    capped = True  # the list counts its matches up to SEARCH_CAP

    def apply(self, query, value):
        dialect = query.session.get_bind().dialect.name
        indexed = (getattr(self.model, "__tablename__", None) == "service_request"
                   and self.column_name in INDEXED_COLUMNS)
        if dialect != "sqlite" or not indexed:
            return super().apply(query, value)
        return query.filter(contains(self.model, (self.column_name,), str(value), dialect))


def contains(model, columns: tuple[str, ...], value: str, dialect: str):
    """One of `columns` of a request holds the text, case-insensitively. PostgreSQL: ILIKE,
    served by the trigram indexes or read in list order, as the planner finds cheaper.
    SQLite: the ids the FTS table matches, read once per request, when there are at most
    SEARCH_CAP of them; else LIKE on the table itself, which the list reads in its order and
    stops early."""
    if dialect == "sqlite":
        found = _sqlite_matches(columns, value)
        if found is not None:
            ids = select(literal_column("value")).select_from(func.json_each(found))
            return model.id.in_(ids)
    method = "like" if dialect == "sqlite" else "ilike"  # SQLite's LIKE ignores ASCII case
    return or_(*(literal_like(getattr(model, name), "%", value, "%", method=method)
                 for name in columns))


def _sqlite_matches(columns: tuple[str, ...], value: str) -> str | None:
    """The ids of the FTS table's matches as a JSON list, or None past SEARCH_CAP of them
    (it stops reading there). Asked once per request and term: the count and the page both
    use it, and the index is read once."""
    key = (columns, value)
    known = g.setdefault("search_matches", {}) if has_request_context() else {}
    if key not in known:
        known[key] = _matches_in_index(columns, value)
    return known[key]


def _matches_in_index(columns: tuple[str, ...], value: str) -> str | None:
    # One statement per column: FTS5 serves `col LIKE` from its index only when the column
    # stands alone; an OR of two columns reads every row (0.5 s for one match at 1M).
    found: set[int] = set()
    for name in columns:
        ids = db.session.execute(select(_fts.c.rowid).where(
            literal_like(_fts.c[name], "%", value, "%", method="like")
        ).limit(SEARCH_CAP + 1)).scalars().all()
        found.update(ids)
        if len(found) > SEARCH_CAP:
            return None
    return json.dumps(sorted(found))


def number_or_title_contains(model, value, dialect: str):
    """The list's one search box: the number or the title holds the text."""
    return contains(model, INDEXED_COLUMNS, value, dialect)


class FilterNumberOrTitle(fab_filters.BaseFilter):
    """"Number or title contains": what a person means by searching a request list."""

    name = lazy_gettext("Number or title contains")
    arg_name = "nt"
    capped = True

    def apply(self, query, value):
        words = str(value or "").strip()[:200]
        if not words:
            return query
        if is_short(words):
            if has_request_context() and wants_json():
                raise ShortTerm(description=short_term_message())
            return query.filter(false())  # the list page says why (requests/list.html)
        dialect = query.session.get_bind().dialect.name
        return query.filter(number_or_title_contains(self.model, words, dialect))




LITERAL_FILTERS = {
    fab_filters.FilterContains: FilterContainsIndexed,
    fab_filters.FilterNotContains: _pattern_filter(fab_filters.FilterNotContains, "%", "%",
                                                   negate=True),
    fab_filters.FilterStartsWith: _pattern_filter(fab_filters.FilterStartsWith, "", "%"),
    fab_filters.FilterNotStartsWith: _pattern_filter(fab_filters.FilterNotStartsWith, "", "%",
                                                     negate=True),
    fab_filters.FilterEndsWith: _pattern_filter(fab_filters.FilterEndsWith, "%", ""),
    fab_filters.FilterNotEndsWith: _pattern_filter(fab_filters.FilterNotEndsWith, "%", "",
                                                   negate=True),
}


def _with_literal_patterns(filter_list):
    return [LITERAL_FILTERS.get(f, f) for f in filter_list]


class SearchFilterConverter(fab_filters.SQLAFilterConverter):
    """FAB's converter with its text filters taken literally and "contains" on the trigram
    index; the filters keep FAB's order (URL indexes)."""

    conversion_table = tuple(
        (test, _with_literal_patterns(filter_list))
        for test, filter_list in fab_filters.SQLAFilterConverter.conversion_table
    )


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For autogenerate: what migrations 0003 and 0004 make beside the models (the search
    table and its FTS5 shadow tables, the trigram indexes, the request tally)."""
    if not reflected or compare_to is not None:
        return True
    if type_ == "table":
        return not (name in (SEARCH_TABLE, TALLY_TABLE) or name.startswith(SEARCH_TABLE + "_"))
    if type_ == "index":
        return name not in TRIGRAM_INDEXES
    return True


# --- repair: the trigram indexes of a database where pg_trgm came late ------------------------

POSTGRESQL_DDL = [
    f"CREATE INDEX IF NOT EXISTS ix_request_{name}_trgm ON service_request "
    f"USING gin ({name} gin_trgm_ops)"
    for name in INDEXED_COLUMNS
]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {name}" for name in TRIGRAM_INDEXES]


class RepairError(Exception):
    pass


def missing_indexes() -> list[str]:
    """The search's index objects this database lacks (migration 0003 made them, or skipped
    the trigram indexes when pg_trgm could not be created)."""
    bind = db.session.connection()
    if bind.dialect.name == "postgresql":
        present = set(bind.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'service_request'")).scalars())
        return [name for name in TRIGRAM_INDEXES if name not in present]
    present = set(bind.execute(text(
        "SELECT name FROM sqlite_master WHERE name = :name"), {"name": SEARCH_TABLE}).scalars())
    return [] if SEARCH_TABLE in present else [SEARCH_TABLE]


def repair() -> list[str]:
    """Create what `missing_indexes` names; returns what was created. PostgreSQL needs the
    pg_trgm extension, which this creates when the database user may (a trusted extension)."""
    missing = missing_indexes()
    if not missing:
        return []
    bind = db.session.connection()
    if bind.dialect.name != "postgresql":
        raise RepairError(f"Tabel pencarian {SEARCH_TABLE} tidak ada; jalankan `flask db upgrade`.")
    try:
        with db.session.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as err:
        db.session.rollback()
        raise RepairError(
            "Ekstensi pg_trgm tidak dapat dibuat oleh pengguna basis data ini "
            f"({str(err.orig).splitlines()[0]}). Minta superuser menjalankan "
            "CREATE EXTENSION pg_trgm, lalu ulangi perintah ini.") from None
    for statement in POSTGRESQL_DDL:
        bind.exec_driver_sql(statement)
    db.session.commit()
    return missing
