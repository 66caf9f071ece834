"""Receipt codes (mã phiếu): short enough to type, impossible to guess.

Nine letters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L) carry
9 × log2(31) ≈ 44.6 random bits. Codes are stored and bound in canonical form
(``ABCDEFGHJ``), shown grouped (``ABCD-EFGH-J``) and accepted typed in any case,
with or without dashes and spaces.
"""
from __future__ import annotations

import math
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 9
BITS = LENGTH * math.log2(len(ALPHABET))
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    """A fresh random code in canonical form (from ``secrets``, never ``random``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text) -> str | None:
    """Canonical form of a typed or scanned code, or None if it cannot be a code."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = _SEPARATORS.sub("", text).upper()
    return code if _VALID.match(code) else None


def display(code: str) -> str:
    """``ABCDEFGHJ`` → ``ABCD-EFGH-J`` (easier to read aloud and to type)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


_DOSSIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{2,59}$")


def plausible_dossier_code(text) -> bool:
    """Could ``text`` be a dossier code (mã hồ sơ) such as ``H15.50.05.13-261008-0975``?
    Letters, digits, dots, dashes, underscores, slashes; 3 to 60 characters."""
    return isinstance(text, str) and bool(_DOSSIER.match(text.strip()))
