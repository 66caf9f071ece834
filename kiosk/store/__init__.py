"""The only code that reads or writes tables.

Views, the API and the command line call these named functions, never raw SQL, so every
write path keeps the same guarantees: one transaction per write (``db.transaction``, under
the writer lock), the hash chain extended under SQLite's write lock (``chain``), nothing
deleted. One module per kind of record; ``db`` opens connections, ``migrations`` is the
schema and its documentation, ``backup`` the online copy.

Each name below is imported from its module on first use (PEP 562), not when the package is:
the server's writer process (``writer``) imports the store's writing half alone, without
sqlite-utils and the modules a view needs (~6 MB less of its memory, bench/run.py).
"""
from __future__ import annotations

import importlib

_MODULES = {
    "adopt": ("adopt_first_unit",),
    "anchors": ("contact_between", "contact_key", "note_contact", "record_report_head", "recorded_heads",
        "report_heads"),
    "catalogue": ("count_procedures", "fold", "get_officer", "get_procedure", "list_counters",
        "list_officers", "list_procedures", "officer_for_username", "replace_procedures", "save_counter",
        "save_officer", "save_procedure", "search_procedures", "set_kiosk_counter"),
    "complaints": ("complaint_by_code", "complaint_code_of", "complaint_contact", "complaint_events",
        "complaint_for_receipt", "erase_contact", "get_complaint", "insert_complaint", "list_complaints",
        "purge_contacts", "staff_usernames", "update_complaint"),
    "demo_rows": ("copy_accounts", "demo_counts", "insert_demo_catalogue", "insert_demo_receipts",
        "large_cache", "remove_legacy_demo"),
    "integrity": ("counter_day_counts", "tablet_taps"),
    "people": ("audit", "create_token", "create_user", "display_names", "end_sessions", "enrol_kiosk",
        "find_kiosk", "find_token", "get_user", "list_kiosks", "list_tokens", "list_users", "ping",
        "revoke_kiosk", "revoke_tokens", "set_email", "set_full_name", "set_password", "set_role",
        "set_user_active", "set_user_unit", "touch_kiosk", "write_problem"),
    "receipts": ("create_receipt", "get_receipt", "latest_receipt_of_dossier", "list_receipts",
        "mark_returned", "open_receipt_for_dossier", "pending_return", "receipt_state", "receipts_by_codes"),
    "responses": ("GENESIS", "ReceiptAlreadyUsed", "canonical_hash", "chain_head", "count_responses",
        "get_response", "insert_many", "list_responses", "save_response", "verify_chain"),
    "units": ("create_unit", "first_unit", "get_unit", "list_units", "only_unit",
        "unit_counts", "update_unit"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:  # a module of the store (``store.rollups``), as when all were imported here
        try:
            return importlib.import_module(f"kiosk.store.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kiosk.store.{name}":
                raise
            raise AttributeError(f"module 'kiosk.store' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"kiosk.store.{module}"), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
