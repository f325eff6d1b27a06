"""Regenerate docs/report.png: the top of the compliance report of examples/, as a
browser shows it.

    . .venv/bin/activate
    python scripts/report_screenshot.py            # writes docs/report.png
    python scripts/report_screenshot.py --output /tmp/report.png --height 1400

What it does: scans examples/ in-process with the shipped rule catalogue, adds the
inventory and provenance that `ephi-lint scan --format json --include-passed` writes,
renders the HTML report (linter.report.html.render_html) and photographs the first
viewport (1280x900 by default; --full-page for the whole report) in headless Chromium.

The browser is Debian's `/usr/bin/chromium` (`apt-get install -y chromium`), driven by
Playwright through `executable_path`: Playwright's own browser download is never used
(no `playwright install`). The network is cut off: the browser context is offline and
every request the page attempts is aborted, and the script fails if there was one, so
the picture shows the report exactly as the self-contained file renders.

The PNG is committed, so keep it small (under ~400 KB): a viewport, not the full page.
Look at the result before committing it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPOSITORY / "docs" / "report.png"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Root in a container has no user namespace for Chromium's sandbox; the page is our own
# report, rendered offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


def examples_report(today: datetime.date) -> str:
    """The HTML report of examples/, from the scan JSON `ephi-lint scan examples/
    --include-passed` writes."""
    from linter.report.html import render_html

    scanned = subprocess.run(
        [sys.executable, "-m", "linter.cli", "scan", "examples/", "--include-passed",
         "-f", "json"], cwd=REPOSITORY, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    if scanned.returncode not in (0, 1):
        raise SystemExit(f"ephi-lint scan examples/ failed: {scanned.stderr.strip()}")
    return render_html([json.loads(scanned.stdout)], today=today)


def screenshot(html: str, output: Path, chromium: str, width: int, height: int,
               full_page: bool) -> list[str]:
    """Write the PNG; return the requests the page attempted (all aborted)."""
    from playwright.sync_api import sync_playwright

    attempted: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          offline=True)
            context.route("**/*", lambda route: (attempted.append(route.request.url),
                                                 route.abort()))
            page = context.new_page()
            page.set_content(html, wait_until="load")
            page.screenshot(path=str(output), full_page=full_page)
        finally:
            browser.close()
    return attempted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--chromium", default=DEFAULT_CHROMIUM,
                        help="the Chromium executable (default: Debian's)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true",
                        help="the whole report, not the first viewport (a large file)")
    parser.add_argument("--today", type=datetime.date.fromisoformat,
                        default=datetime.date.today(), metavar="YYYY-MM-DD",
                        help="the report's date (exceptions are judged against it)")
    options = parser.parse_args(argv)
    if not Path(options.chromium).is_file():
        print(f"report_screenshot: {options.chromium}: no such browser "
              "(apt-get install -y chromium, or --chromium PATH)", file=sys.stderr)
        return 2
    html = examples_report(options.today)
    attempted = screenshot(html, options.output, options.chromium, options.width,
                           options.height, options.full_page)
    if attempted:
        print(f"report_screenshot: the report tried to load {attempted[:3]}: it must be "
              "self-contained", file=sys.stderr)
        return 1
    size = options.output.stat().st_size
    print(f"{options.output}: {size // 1024} KB, {options.width}x{options.height}"
          f"{' full page' if options.full_page else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
