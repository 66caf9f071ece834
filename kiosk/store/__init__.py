"""The only code that reads or writes tables.

Views, the API and the command line call these named functions, never raw SQL, so every
write path keeps the same guarantees: one transaction per write (``db.transaction``, under
the writer lock), the hash chain extended under SQLite's write lock, nothing deleted. One
module per kind of record; ``db`` opens connections, ``migrations`` is the schema and its
documentation, ``backup`` the online copy.
"""
from kiosk.store.anchors import contact_between, note_contact, record_report_head, recorded_heads, report_heads
from kiosk.store.people import (
    create_user,
    set_password,
    set_role,
    end_sessions,
    list_tokens,
    revoke_tokens,
    write_problem,
    get_user,
    list_users,
    create_token,
    find_token,
    enrol_kiosk,
    find_kiosk,
    touch_kiosk,
    list_kiosks,
    audit,
    ping,
    set_user_active,
    revoke_kiosk,
)
from kiosk.store.responses import (
    ReceiptAlreadyUsed,
    canonical_hash,
    save_response,
    insert_many,
    verify_chain,
    get_response,
    count_responses,
    list_responses,
    chain_head,
    GENESIS,
)
from kiosk.store.integrity import (
    last_rating_at,
    unbound_ratings_between,
    kiosk_enrolled_at,
    counter_day_counts,
)
from kiosk.store.complaints import (
    insert_complaint,
    list_complaints,
    get_complaint,
    complaint_contact,
    complaint_events,
    complaint_for_receipt,
    complaint_by_code,
    complaint_code_of,
    update_complaint,
    erase_contact,
    purge_contacts,
    staff_usernames,
)
from kiosk.store.receipts import (
    create_receipt,
    get_receipt,
    list_receipts,
    receipts_by_codes,
    latest_receipt_of_dossier,
    open_receipt_for_dossier,
    mark_returned,
    pending_return,
    receipt_state,
)
from kiosk.store.catalogue import (
    fold,
    list_procedures,
    search_procedures,
    get_procedure,
    count_procedures,
    save_procedure,
    replace_procedures,
    list_officers,
    get_officer,
    officer_for_username,
    save_officer,
    list_counters,
    save_counter,
    set_kiosk_counter,
)
from kiosk.store.demo_rows import (
    demo_counts,
    insert_demo_catalogue,
    insert_demo_receipts,
    large_cache,
)

__all__ = [
    "contact_between", "note_contact", "record_report_head", "recorded_heads", "report_heads",
    "create_user", "set_password", "set_role", "end_sessions", "list_tokens", "revoke_tokens", "write_problem", "get_user", "list_users", "create_token", "find_token", "enrol_kiosk", "find_kiosk", "touch_kiosk", "list_kiosks", "audit", "ping", "set_user_active", "revoke_kiosk",
    "ReceiptAlreadyUsed", "canonical_hash", "save_response", "insert_many", "verify_chain", "get_response", "count_responses", "list_responses", "chain_head", "GENESIS",
    "last_rating_at", "unbound_ratings_between", "kiosk_enrolled_at", "counter_day_counts",
    "insert_complaint", "list_complaints", "get_complaint", "complaint_contact", "complaint_events", "complaint_for_receipt", "complaint_by_code", "complaint_code_of", "update_complaint", "erase_contact", "purge_contacts", "staff_usernames",
    "create_receipt", "get_receipt", "list_receipts", "receipts_by_codes", "open_receipt_for_dossier", "latest_receipt_of_dossier", "mark_returned", "pending_return", "receipt_state",
    "fold", "list_procedures", "search_procedures", "get_procedure", "count_procedures", "save_procedure", "replace_procedures", "list_officers", "get_officer", "officer_for_username", "save_officer", "list_counters", "save_counter", "set_kiosk_counter",
    "demo_counts", "insert_demo_catalogue", "insert_demo_receipts", "large_cache",
]
