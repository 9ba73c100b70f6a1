"""Open an input file (gzip read transparently, within limits) and tell its format from content."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import LimitExceeded, MalformedInput, UnsupportedFormat
from ..settings import Limits

Format = Literal["warc", "feed", "jsonl", "html", "text"]

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024

# Magic numbers of binary files people drop into news folders by mistake. Checked before
# anything else so that a PDF or image gets a precise message rather than "undecodable".
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"BZh", "bzip2 archive (decompress it first)"),
    (b"\xfd7zXZ\x00", "xz archive (decompress it first)"),
    (b"\x28\xb5\x2f\xfd", "zstd archive (decompress it first)"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"PAR1", "Parquet file (use `sitrep load` once it exists)"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"),
    (b"\x00\x00\x00", "binary data"),
    # Only decompressed content is checked, so gzip magic here is a gzip inside a gzip: the
    # shape of bombs that pass a single layer's ratio limit (10,000:1 and more).
    (GZIP_MAGIC, "gzip data inside gzip (nested compression is not read)"),
)

HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<div", b"<p>",
                b"<p ", b"<meta", b"<title")
FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")


@dataclass(frozen=True)
class Opened:
    path: Path
    compressed: bool
    format: Format
    head: bytes  # first bytes of the (decompressed) content


class LimitedReader(io.RawIOBase):
    """A binary stream that raises ``LimitExceeded`` once more than ``limit`` bytes are read."""

    def __init__(self, stream: BinaryIO, limit: int, what: str):
        self._stream = stream
        self._limit = limit
        self._what = what
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        n = self._stream.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        if self.count > self._limit:
            raise LimitExceeded(f"{self._what} exceeds the limit of {self._limit:,} bytes")
        return n or 0

    def close(self) -> None:
        self._stream.close()
        super().close()


class GzipStream(io.RawIOBase):
    """Decompressed content of a (multi-member) gzip file, inflated only as far as it is read.

    Unlike ``gzip.GzipFile``, a truncated file yields every byte before the cut, then ends
    with ``truncated`` set (readers that swallow ``EOFError``, as warcio does, would otherwise
    lose the bytes before the cut or the fact that the file is cut).
    """

    CHUNK = 64 * 1024

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._inflater = zlib.decompressobj(wbits=31)
        self._pending = b""  # compressed bytes not yet given to the inflater
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        want = len(b)
        while True:
            if self._inflater.eof:
                rest = self._inflater.unused_data + self._pending
                self._pending = b""
                if not rest:
                    rest = self._raw.read(self.CHUNK)
                if not rest.strip(b"\x00"):
                    return 0  # end of the last member (zero padding after it is allowed)
                if not rest.startswith(GZIP_MAGIC[: len(rest)]):
                    raise zlib.error("data after the end of the gzip stream is not gzip")
                self._inflater = zlib.decompressobj(wbits=31)
                self._pending = rest
            source = self._inflater.unconsumed_tail or self._pending
            if not source:
                source = self._raw.read(self.CHUNK)
                if not source:
                    self.truncated = True
                    return 0
            self._pending = b""
            out = self._inflater.decompress(source, want)
            if out:
                b[: len(out)] = out
                return len(out)

    def close(self) -> None:
        self._raw.close()
        super().close()


class Content(io.BufferedReader):
    """A file's bounded content stream; ``truncated`` says that its gzip data ended early."""

    def __init__(self, raw: io.RawIOBase, gzip_stream: GzipStream | None = None):
        super().__init__(raw, buffer_size=256 * 1024)
        self._gzip = gzip_stream

    @property
    def truncated(self) -> bool:
        return self._gzip is not None and self._gzip.truncated

    def check_complete(self) -> None:
        """Raise EOFError if the content read so far ended at a cut in the gzip data."""
        if self.truncated:
            raise EOFError("compressed file ended before the end-of-stream marker was reached "
                           "(truncated gzip)")


def is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_content(path: Path, limits: Limits) -> Content:
    """The file's content as a stream, decompressed when gzip, bounded by the limits.

    A gzip file may decompress to at most ``max_decompressed_bytes`` and at most
    ``max_gzip_ratio`` times its own size (plus 1 MB of slack for tiny files), which
    catches gzip bombs before they fill memory or disk.
    """
    raw = path.open("rb", buffering=0)
    if raw.read(2) != GZIP_MAGIC:
        raw.seek(0)
        return Content(raw)
    raw.seek(0)
    size = path.stat().st_size
    limit = min(limits.max_decompressed_bytes, size * limits.max_gzip_ratio + 1024 * 1024)
    inflated = GzipStream(raw)  # type: ignore[arg-type]
    stream = LimitedReader(
        inflated,  # type: ignore[arg-type]
        limit,
        f"gzip content ({size:,} bytes compressed, ratio limit {limits.max_gzip_ratio}:1)",
    )
    return Content(stream, inflated)


def read_head(path: Path, limits: Limits) -> tuple[bytes, bool]:
    """First bytes of the decompressed content, and whether the file is gzip.

    A truncated gzip still yields the bytes before the cut (a WARC cut mid-way keeps its
    first records); only data that is not gzip at all past the magic number is an error.
    """
    with path.open("rb") as fh:
        start = fh.read(SNIFF_BYTES)
        if not start.startswith(GZIP_MAGIC):
            return start, False
        inflater = zlib.decompressobj(wbits=31)
        head = b""
        chunk = start
        try:
            while chunk and len(head) < SNIFF_BYTES:
                head += inflater.decompress(chunk, SNIFF_BYTES - len(head))
                chunk = inflater.unconsumed_tail or fh.read(SNIFF_BYTES)
                if inflater.eof:
                    break
        except zlib.error as exc:
            if not head:
                raise MalformedInput(f"broken gzip data ({exc})") from exc
    return head, True


def binary_kind(head: bytes) -> str | None:
    """Name of the binary format ``head`` starts with, or None if it may be text."""
    for magic, name in BINARY_MAGIC:
        if head.startswith(magic):
            return name
    sample = head[:8192]
    if b"\x00" in sample and not _looks_utf16(sample):
        return "binary data (NUL bytes)"
    if sample:
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
        if controls / len(sample) > 0.10:
            return "binary data (control bytes)"
    return None


def _looks_utf16(sample: bytes) -> bool:
    return sample.startswith((b"\xff\xfe", b"\xfe\xff"))


def detect_format(head: bytes) -> Format:
    """Tell the format from content alone (file names lie: .html files hold JSON, etc.)."""
    if not head.strip():
        raise UnsupportedFormat("empty file")
    kind = binary_kind(head)
    if kind:
        raise UnsupportedFormat(f"not a text document: {kind}")
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = start[:4096].lower()
    if _looks_utf16(head):
        low = head[:8192].decode("utf-16", errors="ignore").lower().encode()
    if low.startswith(b"<?xml") or low.startswith(FEED_MARKERS):
        if any(marker in low[:2048] for marker in FEED_MARKERS):
            return "feed"
        if b"<html" in low:
            return "html"
    if start.startswith(b"{"):
        return "jsonl"
    if low.startswith(b"<") and any(marker in low for marker in HTML_MARKERS):
        return "html"
    if any(marker in low[:1024] for marker in (b"<!doctype html", b"<html")):
        return "html"
    return "text"


def sniff(path: Path, limits: Limits) -> Opened:
    head, compressed = read_head(path, limits)
    return Opened(path=path, compressed=compressed, format=detect_format(head), head=head)


def read_all(path: Path, limits: Limits, limit: int) -> bytes:
    """Whole content of a one-document file, refusing more than ``limit`` bytes."""
    with open_content(path, limits) as stream:
        data = stream.read(limit + 1)
        if len(data) <= limit:
            stream.check_complete()
    if len(data) > limit:
        if is_gzip(path):
            size = path.stat().st_size
            raise LimitExceeded(f"gzip content decompresses to more than {limit:,} bytes "
                                f"(over {len(data) // max(1, size):,}:1 from {size:,} "
                                "compressed bytes; setting max_document_bytes)")
        raise LimitExceeded(f"document larger than the limit of {limit:,} bytes "
                            "(setting max_document_bytes)")
    return data


def iter_lines(path: Path, limits: Limits) -> Iterator[bytes | None]:
    """Lines of a (possibly gzip) file; ``None`` stands for a line over ``max_document_bytes``
    (its bytes are skipped, so one giant line costs no memory)."""
    with open_content(path, limits) as stream:
        while True:
            line = stream.readline(limits.max_document_bytes + 1)
            if not line:
                stream.check_complete()
                return
            if len(line) > limits.max_document_bytes and not line.endswith(b"\n"):
                while True:
                    more = stream.readline(1024 * 1024)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
                continue
            yield line
