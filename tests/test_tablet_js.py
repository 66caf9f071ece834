"""The tablet's ES modules under node's test runner (tests/js/*.test.mjs): the state machine,
the outbox and the voice, without a browser. Part of the README's test command, so CI runs it;
it fails (never skips) when node is missing where browsers are required (KIOSK_REQUIRE_BROWSER)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.helpers import ROOT


def test_tablet_modules_pass_their_node_tests():
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail("node is required here (apt-get install nodejs) but missing")
        pytest.skip("node is not installed")
    files = sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files, "no node tests found"
    r = subprocess.run([node, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout, r.stdout[-3000:]
