"""Open a page in Debian's headless Chromium through Playwright, with the network cut off.

Playwright's own browser download cannot work here, so the system's chromium is named
with executable_path. Every request the page attempts is recorded and aborted, and every
console error is recorded, so a test can assert that a report needs nothing outside
itself. Without chromium or playwright the test is skipped with the reason, except
under CI=true, where a missing browser is a failure (CI must not go green unchecked).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("EPHI_LINT_CHROMIUM", ""), *CHROMIUM_CANDIDATES):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    return found


def require_browser() -> str:
    """The chromium path, or skip (fail under CI=true) saying what is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright; never "
                       "`playwright install`)")
    path = chromium_path()
    if path is None:
        missing.append("Debian's chromium (apt-get install -y chromium)")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert path is not None
    return path


@dataclass
class Visit:
    """What the page did while it was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def offline_page(html: str, width: int = 1280, height: int = 900) -> Iterator[tuple[Any, Visit]]:
    """(page, visit) with `html` loaded and every network request aborted and recorded."""
    from playwright.sync_api import sync_playwright

    executable = require_browser()
    visit = Visit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            # Root in a container has no user namespace for Chromium's sandbox.
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          java_script_enabled=True, offline=True)
            context.route("**/*", lambda route: (visit.requests.append(route.request.url),
                                                 route.abort()))
            page = context.new_page()
            page.on("console", lambda message: visit.console_errors.append(message.text)
                    if message.type == "error" else None)
            page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
            page.on("dialog", lambda dialog: (visit.page_errors.append(
                f"dialog opened: {dialog.message}"), dialog.dismiss()))
            page.set_content(html, wait_until="load")
            yield page, visit
        finally:
            browser.close()
