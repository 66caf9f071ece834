"""The tablet and phone pages on the tablets communes really have (Android 8-9, Chrome 70-80):
the CSS through stylelint-no-unsupported-browser-features (doiuse's data, caniuse) and the
scripts through es-check es2017, against the browser list in package.json ("Chrome >= 70").

The linters come from npm (``npm ci``, run by .ci/run); where they are missing the test fails
under KIOSK_REQUIRE_BROWSER (CI) and is skipped elsewhere. A feature with a fallback is allowed
only with a ``stylelint-disable-next-line ... -- reason`` comment naming the fallback."""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.helpers import ROOT

BIN = ROOT / "node_modules" / ".bin"
STATIC = ROOT / "kiosk" / "web" / "static"
CITIZEN_CSS = [STATIC / "tablet" / "tablet.css", STATIC / "phone.css"]


def tool(name):
    path = BIN / name
    if not path.exists():
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail(f"{name} is missing: run `npm ci` (as .ci/run does)")
        pytest.skip(f"{name} not installed (npm ci)")
    return str(path)


def test_the_browser_list_is_chrome_70_and_newer():
    assert json.loads((ROOT / "package.json").read_text())["browserslist"] == ["Chrome >= 70"]


def test_citizen_css_works_on_chrome_70():
    r = subprocess.run([tool("stylelint"), "--config", str(ROOT / ".stylelintrc.json"),
                        *map(str, CITIZEN_CSS)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_allowed_exception_says_what_the_fallback_is():
    for css in CITIZEN_CSS:
        for line in css.read_text(encoding="utf-8").splitlines():
            if "stylelint-disable" in line:
                assert re.search(r"--\s*\S.{10,}", line), (css.name, line)


def test_tablet_scripts_are_es2017():
    scripts = sorted(str(p) for p in (STATIC / "tablet").glob("*.js"))
    scripts += [str(STATIC / "conditions.js")]
    r = subprocess.run([tool("es-check"), "es2017", "--module", *scripts], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
