"""The rules of the kiosk, apart from HTTP and from SQL.

``submit`` is the one path by which a rating is written, for every channel; ``intake``
checks a body against its questionnaire; ``integrity`` is the table of named flag rules;
``complaints`` and ``receipts`` hold the rules of those records; ``codes``, ``periods``
and ``workdays`` are small pure helpers. Nothing here imports Flask.
"""
