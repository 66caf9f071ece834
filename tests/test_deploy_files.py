"""The files in deploy/ say what the README says: the service serves on loopback as its own
user and restarts itself, the Caddy files are valid and proxy to it."""
from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest

from kiosk.__main__ import build_parser
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def unit():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "hailong.service", encoding="utf-8")
    return parser


def test_the_service_serves_on_loopback_as_its_own_user_and_restarts_itself():
    service = unit()["Service"]
    command = service["ExecStart"].split()
    assert command[1:4] == ["-m", "kiosk", "serve"]
    args = build_parser().parse_args(command[3:])  # the command line the CLI really takes
    assert args.host == "127.0.0.1" and args.port == 8080
    assert service["User"] not in ("", "root") and service["Restart"] == "always"
    text = (DEPLOY / "hailong.service").read_text(encoding="utf-8")
    assert "\nEnvironment=KIOSK_INSTANCE=/var/lib/hailong/instance\n" in text
    assert "/var/lib/hailong" in service["ReadWritePaths"]
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.lan"])
def test_caddy_files_are_valid_and_proxy_to_the_service(name, tmp_path):
    text = (DEPLOY / name).read_text(encoding="utf-8")
    assert "reverse_proxy 127.0.0.1:8080" in text
    if not shutil.which("caddy"):
        pytest.skip("no caddy to validate with")
    r = subprocess.run(["caddy", "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / name)],
                       capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr[-2000:]


def test_the_readme_tells_which_address_the_qr_codes_use():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Đưa lên Internet / Put it on the internet", 1)[1].split("\n## ", 1)[0]
    for needed in ("PUBLIC_BASE_URL = \"https://", "TRUSTED_PROXIES = 1", "deploy/hailong.service",
                   "deploy/Caddyfile", "deploy/WINDOWS.md", "mobile data"):
        assert needed in section, needed
