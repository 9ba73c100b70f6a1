"""Bytes to text: UTF-8 first, then a detected encoding we can trust, else a clear error."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ..errors import DecodeError

# charset_normalizer's "chaos" (0 = clean, 1 = noise) above which a guess is not text.
MAX_CHAOS = 0.25
# Share of U+FFFD replacement characters above which UTF-8 with errors is not worth keeping.
MAX_REPLACEMENT_RATIO = 0.01

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Decode a text document; normalizes newlines and strips control characters (NFC comes
    later, for every clean text: clean.finish)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:  # a byte-order mark on bytes that are not UTF-16
            raise DecodeError(f"undecodable text: starts with a UTF-16 byte-order mark but is "
                              f"not UTF-16 ({exc.reason} at byte {exc.start})") from exc
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _guess(data, exc)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _guess(data: bytes, error: UnicodeDecodeError) -> str:
    best = from_bytes(data[: 2 * 1024 * 1024]).best()
    if best is not None and best.chaos <= MAX_CHAOS:
        return data.decode(best.encoding, errors="replace")
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") / max(1, len(lenient)) <= MAX_REPLACEMENT_RATIO:
        return lenient
    raise DecodeError(f"undecodable text: not UTF-8 ({error.reason} at byte {error.start}) "
                      "and no other encoding fits")
