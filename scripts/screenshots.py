"""Regenerate the README's screenshots (``make screenshots``): analyse the bundled samples
into a fresh database, serve it on 127.0.0.1, and photograph the overview (map, timeline,
table) and an event page with a field's evidence highlighted, in Debian's Chromium.

    python scripts/screenshots.py docs/img
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1440, "height": 860}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        sitrep = [sys.executable, "-m", "sitrep", "--db", str(db)]
        subprocess.run([*sitrep, "analyze", str(ROOT / "samples")], check=True,
                       stdout=subprocess.DEVNULL)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([*sitrep, "serve", "--port", str(port)])
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{base}/api/stats", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=10)


def best_event(base: str) -> tuple[str, str]:
    """The event with the most independent sources whose location has evidence."""
    with httpx.Client(base_url=base, timeout=30) as api:
        events = api.get("/api/events", params={"limit": 500, "sort": "-sources"}).json()
        for e in events["items"]:
            fields = api.get(f"/api/events/{e['id']}").json()["fields"]
            for f in fields:
                if f["field"] == "fatalities" and f["span"]:
                    return e["id"], f["field"]
    raise SystemExit("no event with evidence to show")


def shoot(base: str, out: Path) -> None:
    event_id, field = best_event(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(base_url=base, viewport=VIEWPORT)
        page.goto("/")
        page.wait_for_selector('body[data-ready="overview"]')
        page.screenshot(path=str(out / "map.png"))
        page.goto(f"/#/event/{event_id}")
        page.wait_for_selector('body[data-ready="event"]')
        page.click(f'#event-fields button[data-field="{field}"]')
        page.wait_for_selector("#event-doc .doctext .focus")
        page.screenshot(path=str(out / "event.png"))
        browser.close()
    print(f"wrote {out / 'map.png'} and {out / 'event.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "img"))
