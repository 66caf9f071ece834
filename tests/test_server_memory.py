"""The server's memory on Linux (kiosk/memory.py): a province's server answering summaries,
league tables and raw workbooks of 10M responses stays under 80 MB only with fewer malloc
arenas than one per thread, and with what each raw workbook freed given back to the system
(bench/run.py measures the megabytes; these check that the server asks for both)."""
from __future__ import annotations

import ctypes
import platform
import sys

import pytest

from kiosk import memory
from tests.test_dashboard_and_downloads import api, rated  # noqa: F401 - the fixture

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                           reason="glibc's malloc only")


@glibc
def test_the_server_keeps_four_malloc_arenas_unless_the_operator_chose(monkeypatch):
    calls = []
    real = ctypes.CDLL(None)

    class Libc:  # glibc, with mallopt watched
        mallopt = staticmethod(lambda option, value: calls.append((option, value)) or 1)
        malloc_trim = real.malloc_trim
    monkeypatch.setattr(memory, "_glibc", lambda: Libc)
    assert memory.few_arenas({}) is True
    assert calls == [(memory.M_ARENA_MAX, 4)]
    assert memory.few_arenas({"MALLOC_ARENA_MAX": "8"}) is False  # the operator's own setting
    assert calls == [(-8, 4)]


@glibc
def test_the_server_maps_big_blocks_apart_at_a_fixed_threshold_unless_the_operator_chose(monkeypatch):
    # glibc's own threshold rises to the size of each big block freed, after which an
    # export's chunks were carved from the arenas and stayed there (the 10M server's peak)
    calls = []

    class Libc:
        mallopt = staticmethod(lambda option, value: calls.append((option, value)) or 1)
    monkeypatch.setattr(memory, "_glibc", lambda: Libc)
    assert memory.big_blocks_apart({}) is True
    assert calls == [(-3, 256 * 1024)]                  # M_MMAP_THRESHOLD in glibc's malloc.h
    assert memory.big_blocks_apart({"MALLOC_MMAP_THRESHOLD_": "131072"}) is False
    assert calls == [(-3, 256 * 1024)]


@glibc
def test_the_real_glibc_takes_every_call():
    assert memory.few_arenas({}) is True
    assert memory.big_blocks_apart({}) is True
    assert memory.give_back() in (True, False)  # True when it released something: no error either way


def test_elsewhere_nothing_is_asked_of_malloc(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert memory.few_arenas({}) is False
    assert memory.big_blocks_apart({}) is False
    assert memory.give_back() is False


def test_a_raw_workbook_download_gives_its_memory_back(client, rated, monkeypatch):  # noqa: F811
    given = []
    monkeypatch.setattr(memory, "give_back", lambda: given.append(1) or True)
    r = api(client, "/api/v1/export/responses.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert given == [1]
    api(client, "/api/v1/report.xlsx")  # the small report makes no such heap: nothing to give back
    assert given == [1]


def test_serve_limits_the_arenas_before_anything_starts(monkeypatch):
    import waitress

    from kiosk.cli import serve
    order = []
    monkeypatch.setattr(memory, "few_arenas", lambda: order.append("arenas"))
    monkeypatch.setattr(memory, "big_blocks_apart", lambda: order.append("big blocks"))
    monkeypatch.setattr(serve, "_app", lambda: order.append("app") or (_ for _ in ()).throw(SystemExit(0)))
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: order.append("waitress"))
    with pytest.raises(SystemExit):
        serve.cmd_serve(type("Args", (), {"demo": False})())
    assert order == ["arenas", "big blocks", "app"]
