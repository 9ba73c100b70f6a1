"""Build samples/crawl.warc.gz from the HTML pages kept in samples-src/warc/.

Run from anywhere with the project venv:

    .venv/bin/python samples-src/build_warc.py

The output is deterministic: every WARC-Record-ID and WARC-Date is fixed below,
warcio writes each record as its own gzip member with a zero mtime, and the
digests are computed from the (fixed) bytes. Re-running the script on unchanged
sources reproduces crawl.warc.gz byte for byte.

All records are dated 2024-06-11 (crawl time), which is later than the pages'
publication dates: a reader must take the article date from the page, not from
WARC-Date.

Records written, in order:
  1. warcinfo
  2. request   (GET for the West Africa Courier page; concurrent to record 3)
  3. response  200 text/html  West Africa Courier  (Boulkessi, JNIM claim)
  4. response  200 text/html  Ituri Echo           (Djugu camp attack)
  5. response  200 text/html  Darfur Dispatch      (Nyala market air strike)
  6. response  404 text/html  West Africa Courier  (removed page; readers should skip)
  7. response  200 image/png  Darfur Dispatch logo (not an article; readers should skip)
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc"
OUT = HERE.parent / "samples" / "crawl.warc.gz"

USER_AGENT = "sitrep-samples-crawler/1.0 (+https://example.org/sitrep)"


def rid(n: int) -> str:
    """A fixed, valid urn:uuid record id (version-4 layout, deterministic)."""
    return f"<urn:uuid:5a17e7a0-0000-4000-8000-{n:012d}>"


# (source file or None, url, WARC-Date, HTTP Date header, status line, content type, record id)
PAGES = [
    (
        "west-africa-courier_boulkessi-jnim-claim.html",
        "https://westafricacourier.com/security/jnim-claims-50-soldiers-killed-boulkessi-raid",
        "2024-06-11T06:40:01Z",
        "Tue, 11 Jun 2024 06:40:01 GMT",
        "200 OK",
        "text/html; charset=utf-8",
        rid(3),
    ),
    (
        "ituri-echo_djugu-camp-attack.html",
        "https://ituriecho.org/en/security/codeco-attack-djugu-camp-lala",
        "2024-06-11T06:40:09Z",
        "Tue, 11 Jun 2024 06:40:09 GMT",
        "200 OK",
        "text/html; charset=utf-8",
        rid(4),
    ),
    (
        "darfur-dispatch_nyala-market-airstrike.html",
        "https://darfurdispatch.org/news/2024/06/10/army-air-strike-nyala-market",
        "2024-06-11T06:40:17Z",
        "Tue, 11 Jun 2024 06:40:17 GMT",
        "200 OK",
        "text/html; charset=utf-8",
        rid(5),
    ),
]

NOT_FOUND_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found | West Africa Courier</title></head>
<body><h1>404 - Page not found</h1>
<p>Sorry, the page you were looking for has been moved or deleted.</p>
<p><a href="https://westafricacourier.com/">Back to the home page</a></p></body></html>
"""


def tiny_png() -> bytes:
    """A valid 2x2 RGB PNG built by hand so the script needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"\x00" + b"\xc0\x1f\x1f" * 2 + b"\x00" + b"\x1f\x1f\xc0" * 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def http_headers(status: str, content_type: str, date: str, body: bytes) -> StatusAndHeaders:
    return StatusAndHeaders(
        status,
        [
            ("Date", date),
            ("Server", "nginx"),
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "max-age=300"),
            ("Connection", "close"),
        ],
        protocol="HTTP/1.1",
    )


def build() -> None:
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")

        info = (
            "software: sitrep samples/build_warc.py (warcio)\r\n"
            "format: WARC File Format 1.1\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
            "description: Sample crawl for sitrep. Original texts written for the project (CC0).\r\n"
            "isPartOf: sitrep-samples\r\n"
            f"http-header-user-agent: {USER_AGENT}\r\n"
        ).encode("utf-8")
        writer.write_record(
            writer.create_warc_record(
                "",
                "warcinfo",
                payload=BytesIO(info),
                length=len(info),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Record-ID": rid(1),
                    "WARC-Date": "2024-06-11T06:39:59Z",
                    "WARC-Filename": OUT.name,
                },
            )
        )

        # Request for the first page, as a crawler would record it.
        first_url = PAGES[0][1]
        req_headers = StatusAndHeaders(
            "GET /security/jnim-claims-50-soldiers-killed-boulkessi-raid HTTP/1.1",
            [
                ("Host", "westafricacourier.com"),
                ("User-Agent", USER_AGENT),
                ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
                ("Accept-Language", "en"),
                ("Connection", "close"),
            ],
            is_http_request=True,
        )
        writer.write_record(
            writer.create_warc_record(
                first_url,
                "request",
                payload=BytesIO(b""),
                length=0,
                http_headers=req_headers,
                warc_headers_dict={
                    "WARC-Record-ID": rid(2),
                    "WARC-Date": PAGES[0][2],
                    "WARC-Concurrent-To": PAGES[0][6],
                    "WARC-Warcinfo-ID": rid(1),
                },
            )
        )

        responses = []
        for src, url, warc_date, http_date, status, ctype, record_id in PAGES:
            body = (SRC / src).read_bytes()
            responses.append((url, warc_date, http_date, status, ctype, record_id, body))
        responses.append(
            (
                "https://westafricacourier.com/security/old-story-removed",
                "2024-06-11T06:40:25Z",
                "Tue, 11 Jun 2024 06:40:25 GMT",
                "404 Not Found",
                "text/html; charset=utf-8",
                rid(6),
                NOT_FOUND_HTML,
            )
        )
        responses.append(
            (
                "https://darfurdispatch.org/static/img/logo.png",
                "2024-06-11T06:40:26Z",
                "Tue, 11 Jun 2024 06:40:26 GMT",
                "200 OK",
                "image/png",
                rid(7),
                tiny_png(),
            )
        )

        for url, warc_date, http_date, status, ctype, record_id, body in responses:
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=http_headers(status, ctype, http_date, body),
                    warc_headers_dict={
                        "WARC-Record-ID": record_id,
                        "WARC-Date": warc_date,
                        "WARC-Warcinfo-ID": rid(1),
                    },
                )
            )


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
