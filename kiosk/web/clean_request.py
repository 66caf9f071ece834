"""The app's request class: every form field and query argument arrives normalised.

Form posts (the phone form, sign-in, enrolment, receipts, the catalogue, complaints) and
query strings are the web's text boundary, so they are cleaned once here, by the one
normaliser (``kiosk.domain.text``): NFC, no control characters, newline and tab kept for
free text. JSON bodies are cleaned where the API reads them (``kiosk.web.api.read_json``).
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from kiosk.domain.text import clean


def _pairs(mapping):
    if mapping is None:
        return []
    if isinstance(mapping, MultiDict):
        items = mapping.items(multi=True)
    elif isinstance(mapping, dict):
        items = mapping.items()
    else:
        items = mapping
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            yield (clean(key, multiline=False) if isinstance(key, str) else key,
                   clean(v) if isinstance(v, str) else v)


class CleanMultiDict(ImmutableMultiDict):
    """Werkzeug builds ``request.form`` and ``request.args`` with this class."""

    def __init__(self, mapping=None):
        super().__init__(list(_pairs(mapping)))


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict
