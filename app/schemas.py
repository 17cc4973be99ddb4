"""What every input schema shares: the Indonesian messages and lengths read from the columns.

Each domain keeps its own schemas (`app.workflow.schemas`, `app.requests.schemas`,
`app.checklist.schemas`); they take their limits from the mapped columns here instead of
restating them.
"""

from __future__ import annotations

from sqlalchemy import String

# Free text a person types (TEXT columns): long enough for a report, short enough to print.
LONG_TEXT_MAX = 5000

REQUIRED_MESSAGE = "Kolom ini wajib diisi."
UNKNOWN_FIELD = "Kolom ini tidak dikenal untuk aksi ini."
INVALID_INPUT = "Data harus berupa objek JSON."


def text_too_long(limit: int) -> str:
    return f"Maksimal {limit} karakter."


def max_length(attribute) -> int:
    """The most characters a mapped column takes: VARCHAR(n) says n, TEXT the office's limit."""
    column = attribute.property.columns[0]
    if isinstance(column.type, String) and column.type.length:
        return column.type.length
    return column.info.get("max_length", LONG_TEXT_MAX)
