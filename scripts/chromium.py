"""Debian's Chromium as the project drives it through Playwright (no browser download): one launch for
`make screenshots` (scripts/screenshots.py) and for the browser journeys (tests/browser)."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def launch(playwright):
    """A headless Chromium started by `playwright` (sync_playwright's)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
