"""Page metadata with trafilatura's own extractors, minus what sitrep never uses.

``trafilatura.metadata.extract_metadata`` also extracts categories, tags and the licence
(about 4 ms a page, a tenth of the extraction). This runs the same steps in the same order
for title, author, URL, host, date and site name only. It calls functions of
``trafilatura.metadata`` that are not its documented API; constraints.txt pins trafilatura,
and the extraction evaluation guards the result.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html import unescape

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as tm
from trafilatura.utils import line_processing

# trafilatura's own limit on a metadata field.
MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    author: str | None
    url: str | None
    hostname: str | None
    sitename: str | None
    date: str | None


def _tidy(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) > MAX_FIELD_CHARS:
        value = value[: MAX_FIELD_CHARS - 1] + "…"
    return line_processing(unescape(value)) or None


# Every expression trafilatura's body author search (xpaths.AUTHOR_XPATHS) can match needs
# one of these words in the page's markup. A page without any cannot yield an author there,
# so the search (a copy of the tree and three scans of it: a sixth of extraction time) is
# skipped with the same result.
AUTHOR_MARKERS = (b"author", b"byl", b"bbl", b"username", b"channel-name", b"zuozhe",
                  b"bianji", b"xiaobian", b"submitted-by", b"posted-by", b"journalist-name",
                  b"screenname", b"writer", b"rel='me'", b'rel="me"')


def may_name_author(html: bytes) -> bool:
    low = html.lower()
    return any(marker in low for marker in AUTHOR_MARKERS)


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict,
                  html: bytes | None = None) -> PageMetadata:
    meta = tm.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # one-word "authors" are site names or handles (trafilatura's rule)
    with contextlib.suppress(Exception):  # trafilatura guards its JSON-LD parser the same way
        meta = tm.extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = tm.extract_title(tree)
    if not meta.author and (html is None or may_name_author(html)):
        meta.author = tm.extract_author(tree)
    if not meta.url:
        meta.url = tm.extract_url(tree, url)
    if meta.url:
        meta.hostname = tm.extract_domain(meta.url, fast=True)
    date = find_date(tree, url=meta.url, **date_params)
    if not meta.sitename:
        meta.sitename = tm.extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if "." not in meta.sitename and not meta.sitename[:1].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (m := tm.META_URL.match(meta.url)):
        meta.sitename = m[1]
    return PageMetadata(_tidy(meta.title), _tidy(meta.author), _tidy(meta.url),
                        _tidy(meta.hostname), _tidy(meta.sitename), date)
