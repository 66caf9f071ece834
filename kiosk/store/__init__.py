"""The only code that reads or writes tables.

Views, the API and the command line call these named functions, never raw SQL, so every
write path keeps the same guarantees: one transaction per write (``db.transaction``, under
the writer lock), the hash chain extended under SQLite's write lock, nothing deleted. One
module per kind of record; ``db`` opens connections, ``migrations`` is the schema and its
documentation, ``backup`` the online copy.
"""
from kiosk.store.anchors import (
    contact_between,
    note_contact,
    record_report_head,
    recorded_heads,
    report_heads,
)
from kiosk.store.catalogue import (
    count_procedures,
    fold,
    get_officer,
    get_procedure,
    list_counters,
    list_officers,
    list_procedures,
    officer_for_username,
    replace_procedures,
    save_counter,
    save_officer,
    save_procedure,
    search_procedures,
    set_kiosk_counter,
)
from kiosk.store.complaints import (
    complaint_contact,
    complaint_events,
    complaint_for_receipt,
    erase_contact,
    get_complaint,
    insert_complaint,
    list_complaints,
    purge_contacts,
    staff_usernames,
    update_complaint,
)
from kiosk.store.demo_rows import (
    demo_counts,
    insert_demo_catalogue,
    insert_demo_receipts,
    large_cache,
)
from kiosk.store.integrity import (
    counter_day_counts,
    kiosk_enrolled_at,
    last_rating_at,
    unbound_ratings_between,
)
from kiosk.store.people import (
    audit,
    create_token,
    create_user,
    enrol_kiosk,
    find_kiosk,
    find_token,
    get_user,
    list_kiosks,
    list_users,
    ping,
    revoke_kiosk,
    set_password,
    set_user_active,
    touch_kiosk,
)
from kiosk.store.receipts import (
    create_receipt,
    get_receipt,
    list_receipts,
    mark_returned,
    open_receipt_for_dossier,
    pending_return,
    receipt_state,
    receipts_by_codes,
)
from kiosk.store.responses import (
    GENESIS,
    ReceiptAlreadyUsed,
    canonical_hash,
    chain_head,
    count_responses,
    get_response,
    insert_many,
    list_responses,
    save_response,
    verify_chain,
)

__all__ = [
    "contact_between", "note_contact", "record_report_head", "recorded_heads", "report_heads",
    "create_user", "set_password", "get_user", "list_users", "create_token", "find_token", "enrol_kiosk", "find_kiosk", "touch_kiosk", "list_kiosks", "audit", "ping", "set_user_active", "revoke_kiosk",
    "ReceiptAlreadyUsed", "canonical_hash", "save_response", "insert_many", "verify_chain", "get_response", "count_responses", "list_responses", "chain_head", "GENESIS",
    "last_rating_at", "unbound_ratings_between", "kiosk_enrolled_at", "counter_day_counts",
    "insert_complaint", "list_complaints", "get_complaint", "complaint_contact", "complaint_events", "complaint_for_receipt", "update_complaint", "erase_contact", "purge_contacts", "staff_usernames",
    "create_receipt", "get_receipt", "list_receipts", "receipts_by_codes", "open_receipt_for_dossier", "mark_returned", "pending_return", "receipt_state",
    "fold", "list_procedures", "search_procedures", "get_procedure", "count_procedures", "save_procedure", "replace_procedures", "list_officers", "get_officer", "officer_for_username", "save_officer", "list_counters", "save_counter", "set_kiosk_counter",
    "demo_counts", "insert_demo_catalogue", "insert_demo_receipts", "large_cache",
]
