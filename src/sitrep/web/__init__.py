"""The web UI: static files (HTML, CSS, JavaScript and vendored map data) served by the API
app under ``/``, with a strict Content-Security-Policy on every response.

Article HTML is untrusted: the UI never renders it. It shows a document's clean text, built
node by node with ``textContent``, and the policy forbids inline scripts, ``eval``, plugins,
frames and every origin but the server's own, so a script that slipped through would not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match

STATIC = Path(__file__).parent / "static"

# Only the server's own scripts, styles, images and data; nothing inline, nothing framed.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'; object-src 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The interactive API docs (/docs, Swagger UI) are served from the vendored bundle, so they
# work offline like the rest of the UI. The page starts Swagger UI with an inline script
# (FastAPI's): it gets a policy of its own that allows that one script by its hash and
# nothing from any other origin. Swagger UI sets style attributes on its elements from its
# scripts (through the DOM, which style-src does not govern), so no inline style is allowed.
DOCS_PATH = "/docs"
SWAGGER_UI = "/static/vendor/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/vendor/swagger-ui.css"
SWAGGER_FAVICON = "/static/vendor/favicon-32x32.png"
DOCS_CSP = ("default-src 'none'; script-src {scripts}; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'; object-src 'none'")
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def mount_ui(app: FastAPI) -> None:
    """Serve the UI at ``/`` (``index.html``) and ``/static/…``, and add the security headers
    to every response of ``app``."""

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        if response.status_code == 405:
            response.headers["Allow"] = allowed_methods(app, request)
        if request.url.path == DOCS_PATH:
            body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
            response = Response(body, status_code=response.status_code,
                                headers=dict(response.headers))
            response.headers["Content-Security-Policy"] = docs_policy(body)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    if app.docs_url is None and app.openapi_url:  # the app leaves /docs to the UI

        @app.get(DOCS_PATH, include_in_schema=False)
        def docs(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "").rstrip("/")
            return get_swagger_ui_html(
                openapi_url=root + app.openapi_url, title=f"{app.title} - Swagger UI",
                swagger_js_url=root + SWAGGER_UI, swagger_css_url=root + SWAGGER_CSS,
                swagger_favicon_url=root + SWAGGER_FAVICON)


def allowed_methods(app: FastAPI, request: Request) -> str:
    """The ``Allow`` header of a 405: the methods of every route of the path. Starlette names
    only those of the first route that matched it (GET for ``/api/events/{id}/reviews``, which
    also takes POST)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def docs_policy(page: bytes) -> str:
    """The policy of the API docs page: the server's own files, and the page's own inline
    scripts by their hashes."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
              for script in INLINE_SCRIPT.findall(page)]
    return DOCS_CSP.format(scripts=" ".join(["'self'", *hashes]))
