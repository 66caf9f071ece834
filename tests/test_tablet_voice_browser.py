"""The speaker button (issue 13, point 6): off by default; when the setting is on and the
tablet has a Vietnamese voice, it reads the question and the five labels with lang vi-VN;
with no Vietnamese voice it stays hidden (never an English voice reading Vietnamese).
speechSynthesis is stubbed: headless Chromium has no voices of its own."""
from __future__ import annotations

from survey_forms.loader import load
from tests.browser_helpers import new_tablet, shot, tap, wait_screen

STUB = """(voices) => {
  window.__spoken = [];
  const synth = { getVoices: () => voices, speak: (u) => window.__spoken.push({ text: u.text, lang: u.lang }),
                  cancel: () => {}, addEventListener: () => {} };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
}"""


def tablet_with_voices(browser, server, voices):
    page = new_tablet(browser)
    page.context.add_init_script(f"({STUB})({voices!r})".replace("'", '"'))
    server.enrol(page)
    wait_screen(page, "screen-welcome")
    return page


def test_voice_reads_the_question_in_vietnamese_when_a_vi_voice_exists(browser, live_server_factory):
    server = live_server_factory(env={"KIOSK_TABLET_VOICE": "true"})
    page = tablet_with_voices(browser, server, [{"lang": "en-US", "name": "English"},
                                                {"lang": "vi-VN", "name": "Tiếng Việt"}])
    page.wait_for_selector('[data-testid="voice"]:visible')
    shot(page, "50-welcome-with-voice")
    tap(page, "voice")
    spoken = page.evaluate("window.__spoken")
    q = load("counter").overall_question
    assert [s["text"] for s in spoken] == [q.text.vi, "Rất hài lòng", "Hài lòng", "Bình thường",
                                           "Không hài lòng", "Rất không hài lòng"]
    assert {s["lang"] for s in spoken} == {"vi-VN"}
    assert page.evaluate("window.hailong.queue()") == []  # listening is not rating


def test_no_vietnamese_voice_no_button(browser, live_server_factory):
    server = live_server_factory(env={"KIOSK_TABLET_VOICE": "true"})
    page = tablet_with_voices(browser, server, [{"lang": "en-US", "name": "English"}])
    page.wait_for_timeout(300)
    assert page.locator('[data-testid="voice"]').is_hidden()


def test_voice_is_off_by_default(browser, live_server):
    page = tablet_with_voices(browser, live_server, [{"lang": "vi-VN", "name": "Tiếng Việt"}])
    page.wait_for_timeout(300)
    assert page.locator('[data-testid="voice"]').is_hidden()
    assert page.evaluate("JSON.parse(document.getElementById('kiosk-data').textContent).settings.voice") is False
