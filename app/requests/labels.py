"""The words for a request's fields, shared by the screens, the API and its `_info`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Per kind: the form's fields in the order of the paper form, with their labels.
DETAIL_FIELDS = {
    "improvement": [
        ("category", _l("Category")),
        ("system", _l("System / module")),
        ("current_condition", _l("Current condition")),
        ("proposed_improvement", _l("Proposed improvement")),
        ("reason", _l("Reason / benefit")),
        ("priority", _l("Priority")),
        ("desired_date", _l("Desired date")),
    ],
    "support": [
        ("support_type", _l("Support type")),
        ("asset", _l("Equipment")),  # issue 22: optional
        ("description", _l("Description")),
        ("location", _l("Location")),
        ("needed_from", _l("Needed from")),
        ("needed_until", _l("Needed until")),
    ],
}

LABELS = {
    "number": _l("Request number"),
    "title": _l("Title"),
    "unit": _l("Unit"),
    "requester": _l("Requester"),
    "status": _l("Status"),
    "officer": _l("IT officer"),
    "target_date": _l("Target date"),
    "submitted_at": _l("Submitted at"),
    "closed_at": _l("Closed at"),
    "created_at": _l("Created at"),
    **{name: label for fields in DETAIL_FIELDS.values() for name, label in fields},
}

# The API names references by their foreign keys.
API_LABELS = {
    **LABELS,
    "id": _l("Id"),
    "status": _l("Status"),
    "unit.id": _l("Unit"), "unit.name": _l("Unit"),
    "requester.id": _l("Requester"), "requester.username": _l("Requester"),
    "officer.id": _l("IT officer"), "officer.username": _l("IT officer"),
    "system_id": _l("System / module"),
    "support_type_id": _l("Support type"),
    "asset_id": _l("Equipment"),
    "version": _l("Version"),
}
