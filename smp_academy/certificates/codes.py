"""Certificate codes: ``SMP-XXXX-XXXX-XXXX`` in Crockford base32 with a check character.

A code is read aloud over the phone, typed from paper and scanned from a QR code, so it
must survive people: the alphabet has no I, L, O or U, look-ups forgive case, spaces,
dashes and the I/L→1, O→0 confusions, and a check character catches typing mistakes so a
clinic is told "this code has a typo" rather than "not found".

Scheme
------
The twelve body characters are ``d0 … d10`` (11 random symbols from ``secrets``, 55 bits)
followed by a check symbol ``c`` chosen so that::

    (1·d0 + 3·d1 + 5·d2 + … + 21·d10 + 1·c) ≡ 0  (mod 32)

Every weight is odd, hence invertible modulo 32: replacing any one symbol by another
changes the sum by ``w·δ`` with ``δ ≢ 0``, which is never ``≡ 0 (mod 32)``. So every
single-character substitution is detected. Neighbouring data weights differ by 2, so a
swap of two adjacent data symbols goes unnoticed only when they differ by exactly 16.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "SMP"
DATA_LENGTH = 11
BODY_LENGTH = DATA_LENGTH + 1
WEIGHTS = tuple(2 * i + 1 for i in range(DATA_LENGTH))
CODE_RE = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Characters people write for the ones we left out of the alphabet.
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")


class MalformedCode(ValueError):
    """The text cannot be a certificate code (wrong length or characters)."""


class CodeTypo(ValueError):
    """The text is shaped like a code but its check character does not match."""

    def __init__(self, message: str = "this code has a typo") -> None:
        super().__init__(message)


def check_character(data: str) -> str:
    """The check symbol for 11 data symbols: makes the weighted sum vanish mod 32."""
    total = sum(w * _VALUE[ch] for w, ch in zip(WEIGHTS, data, strict=True))
    return ALPHABET[-total % 32]


def format_code(body: str) -> str:
    """``SMP-`` plus the 12-symbol body in three groups of four."""
    return f"{PREFIX}-{body[0:4]}-{body[4:8]}-{body[8:12]}"


def generate_code() -> str:
    """A fresh random code (55 random bits plus the check symbol)."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return format_code(data + check_character(data))


def _body_of(text: str) -> str:
    """Upper-cased symbols without separators, confusables folded and the prefix dropped."""
    compact = _SEPARATORS.sub("", text).upper().translate(_CONFUSABLE)
    # Only a 15-symbol text carries the prefix; a bare body may itself start with "SMP".
    if len(compact) == len(PREFIX) + BODY_LENGTH and compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    return compact


def normalize_code(text: str) -> str:
    """The canonical ``SMP-XXXX-XXXX-XXXX`` for what a person typed.

    Raises ``MalformedCode`` when the text cannot be a code and ``CodeTypo`` when it is
    well-formed but its check character is wrong.
    """
    if not isinstance(text, str):
        raise MalformedCode("a certificate code must be text")
    body = _body_of(text)
    if len(body) != BODY_LENGTH:
        raise MalformedCode(f"a certificate code has {BODY_LENGTH} characters after SMP-")
    if any(ch not in _VALUE for ch in body):
        raise MalformedCode("a certificate code uses only digits and letters other than U")
    if check_character(body[:DATA_LENGTH]) != body[DATA_LENGTH]:
        raise CodeTypo()
    return format_code(body)


def is_valid_code(text: str) -> bool:
    """Whether the text normalises to a code with a correct check character."""
    try:
        normalize_code(text)
    except ValueError:
        return False
    return True
