from datetime import date

import pytest

from app.checklist.calendar_rules import (
    HolidayRow,
    add_working_days,
    holiday_rows,
    is_working_day,
    national_holidays,
    next_working_day,
    nyepi_days,
    pawukon_days,
    working_days_between,
)


def _names_by_date(rows):
    return {r.date: r.name for r in rows}


# --- Pawukon -------------------------------------------------------------------

@pytest.mark.parametrize("galungan, kuningan", [
    (date(2025, 4, 23), date(2025, 5, 3)),
    (date(2025, 11, 19), date(2025, 11, 29)),
    (date(2026, 6, 17), date(2026, 6, 27)),
])
def test_galungan_and_kuningan(galungan, kuningan):
    days = _names_by_date(pawukon_days(galungan.year))
    assert galungan.weekday() == 2  # Buda (Wednesday)
    assert days[galungan] == "Hari Raya Galungan"
    assert days[date.fromordinal(galungan.toordinal() - 1)] == "Penampahan Galungan"
    assert days[date.fromordinal(galungan.toordinal() + 1)] == "Umanis Galungan"
    assert days[kuningan] == "Hari Raya Kuningan"
    assert days[date.fromordinal(kuningan.toordinal() - 1)] == "Penampahan Kuningan"


def test_galungan_occurrences_per_year():
    def galungan(year):
        return [r.date for r in pawukon_days(year) if r.name == "Hari Raya Galungan"]

    assert galungan(2025) == [date(2025, 4, 23), date(2025, 11, 19)]
    assert galungan(2026) == [date(2026, 6, 17)]


def test_saraswati_and_pagerwesi_2026():
    days = _names_by_date(pawukon_days(2026))
    assert days[date(2026, 4, 4)] == "Hari Raya Saraswati"
    assert days[date(2026, 10, 31)] == "Hari Raya Saraswati"
    assert days[date(2026, 4, 8)] == "Hari Raya Pagerwesi"
    assert days[date(2026, 11, 4)] == "Hari Raya Pagerwesi"


def test_pawukon_rows_are_bali_and_within_year():
    rows = pawukon_days(2026)
    assert all(r.kind == "bali" and r.date.year == 2026 for r in rows)


def test_galungan_2026_dispensation_in_holiday_rows():
    dates = {r.date for r in holiday_rows(2026)}
    assert {date(2026, 6, 16), date(2026, 6, 17), date(2026, 6, 18)} <= dates


# --- Nyepi -----------------------------------------------------------------------

def test_nyepi_2026():
    national = _names_by_date(national_holidays(2026))
    assert national[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert nyepi_days(2026) == [
        HolidayRow(date(2026, 3, 18), "Pengerupukan", "bali"),
        HolidayRow(date(2026, 3, 20), "Ngembak Geni", "bali"),
    ]


# --- National / cuti bersama -----------------------------------------------------

def test_national_and_cuti_bersama_2026():
    rows = national_holidays(2026)
    assert HolidayRow(date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia", "nasional") in rows
    assert HolidayRow(date(2026, 12, 24), "Cuti Bersama Hari Raya Natal", "cuti_bersama") in rows
    assert HolidayRow(date(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek", "cuti_bersama") in rows


# --- Merging ---------------------------------------------------------------------

def test_holiday_rows_one_row_per_date_sorted():
    rows = holiday_rows(2026)
    dates = [r.date for r in rows]
    assert dates == sorted(set(dates))


def test_holiday_rows_merge_precedence():
    rows = {r.date: r for r in holiday_rows(2026)}
    # Pengerupukan coincides with the Nyepi cuti bersama: cuti_bersama wins.
    eve = rows[date(2026, 3, 18)]
    assert eve.kind == "cuti_bersama"
    assert eve.name == "Cuti Bersama Hari Suci Nyepi / Pengerupukan"
    # Penampahan Galungan coincides with Tahun Baru Islam: nasional wins.
    penampahan = rows[date(2026, 6, 16)]
    assert penampahan.kind == "nasional"
    assert penampahan.name == "Tahun Baru Islam / Penampahan Galungan"
    assert rows[date(2026, 6, 17)] == HolidayRow(date(2026, 6, 17), "Hari Raya Galungan", "bali")


# --- Working days ----------------------------------------------------------------

# 2026-08-17 (Mon) is Hari Kemerdekaan; 2026-08-14 is a Friday.
HOLIDAYS_2026 = {r.date for r in holiday_rows(2026)}


def test_is_working_day():
    assert is_working_day(date(2026, 8, 14), HOLIDAYS_2026)       # Friday
    assert not is_working_day(date(2026, 8, 15), HOLIDAYS_2026)   # Saturday
    assert not is_working_day(date(2026, 8, 16), HOLIDAYS_2026)   # Sunday
    assert not is_working_day(date(2026, 8, 17), HOLIDAYS_2026)   # Hari Kemerdekaan
    assert not is_working_day(date(2026, 6, 17), HOLIDAYS_2026)   # Galungan
    assert is_working_day(date(2026, 8, 18), HOLIDAYS_2026)       # Tuesday


def test_next_working_day_across_weekend_and_holiday():
    assert next_working_day(date(2026, 8, 14), HOLIDAYS_2026) == date(2026, 8, 18)
    assert next_working_day(date(2026, 8, 15), HOLIDAYS_2026) == date(2026, 8, 18)
    # Galungan block: Tue 16 (Tahun Baru Islam/Penampahan), Wed 17, Thu 18 off.
    assert next_working_day(date(2026, 6, 15), HOLIDAYS_2026) == date(2026, 6, 19)


def test_add_working_days():
    assert add_working_days(date(2026, 8, 14), 0, HOLIDAYS_2026) == date(2026, 8, 14)
    assert add_working_days(date(2026, 8, 15), 0, HOLIDAYS_2026) == date(2026, 8, 18)
    assert add_working_days(date(2026, 8, 14), 1, HOLIDAYS_2026) == date(2026, 8, 18)
    assert add_working_days(date(2026, 8, 14), 3, HOLIDAYS_2026) == date(2026, 8, 20)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 8, 14), -1, HOLIDAYS_2026)


def test_working_days_between():
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 14), HOLIDAYS_2026) == 0
    assert working_days_between(date(2026, 8, 18), date(2026, 8, 14), HOLIDAYS_2026) == 0
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 17), HOLIDAYS_2026) == 0
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 20), HOLIDAYS_2026) == 3
    # Consistent with add_working_days.
    end = add_working_days(date(2026, 6, 12), 5, HOLIDAYS_2026)
    assert working_days_between(date(2026, 6, 12), end, HOLIDAYS_2026) == 5
