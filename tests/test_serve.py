"""Live preview: a saved .po shows up in the served page, and broken input shows a banner instead of crashing."""
from __future__ import annotations

import io
import json
import threading
import time
import urllib.request

import pytest

from booklet.i18n import catalog_path
from booklet.serve import Preview, changed_languages, serve


def fetch(url: str) -> str:
    """GET a URL from the preview server."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def wait_for_version(base: str, after: int, timeout: float = 60) -> dict:
    """Wait until the preview's version moves past ``after``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = json.loads(fetch(base + "__booklet/version"))
        if state["version"] > after:
            return state
        time.sleep(0.1)
    raise AssertionError("the preview did not rebuild")


def test_changed_languages_maps_a_catalog_to_its_language(tmp_path):
    po = tmp_path / "locales/ru/LC_MESSAGES/booklet.po"
    assert changed_languages(tmp_path, [po]) == ["ru"]
    assert changed_languages(tmp_path, [po, tmp_path / "content/booklet.yaml"]) is None


@pytest.mark.engines
def test_saved_translation_appears_and_errors_show_in_a_banner(project, tmp_path):
    root = project("multilingual")
    servers, stop, log = [], threading.Event(), io.StringIO()
    thread = threading.Thread(target=serve, args=(root, tmp_path / "preview", ["ru"], 0, log),
                              kwargs={"ready": servers.append, "stop": stop}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120
        while not servers and time.monotonic() < deadline:
            time.sleep(0.1)
        base = f"http://127.0.0.1:{servers[0].server_address[1]}/"
        page = fetch(base + "multi-ru/index.html")
        assert "Жертвы" in page and "/__booklet/version" in page
        version = json.loads(fetch(base + "__booklet/version"))["version"]
        po = catalog_path(root, "ru")
        po.write_text(po.read_text().replace('msgstr "Жертвы"', 'msgstr "Погибшие"'))
        started = time.monotonic()
        state = wait_for_version(base, version)
        print(f"rebuilt in {time.monotonic() - started:.2f} s")
        assert state["problems"] == []
        assert "Погибшие" in fetch(base + "multi-ru/index.html")
        po.write_text(po.read_text() + '\nmsgid "broken\n')
        state = wait_for_version(base, state["version"])
        assert state["problems"] and state["problems"][0].startswith("locales/ru/LC_MESSAGES/booklet.po:")
    finally:
        stop.set()
        thread.join(timeout=30)


def test_serve_rebuilds_a_save_made_during_its_first_build(project, tmp_path, monkeypatch):
    root = project("multilingual")
    po = catalog_path(root, "ru")
    calls, stop = [], threading.Event()

    def rebuild(preview, langs=None):
        """Record the build; during the first one, the translator saves the Russian catalog."""
        calls.append(langs)
        if len(calls) == 1:
            po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Жертвы"', 'msgstr "Погибшие"'), encoding="utf-8")
        else:
            stop.set()

    monkeypatch.setattr(Preview, "rebuild", rebuild)
    timer = threading.Timer(10, stop.set)   # without a baseline taken before the first build, the save is never seen
    timer.start()
    try:
        serve(root, tmp_path / "preview", ["ru"], 0, io.StringIO(), stop=stop)
    finally:
        timer.cancel()                      # a waiting timer would hold the interpreter open at exit
    assert calls == [None, ["ru"]]
