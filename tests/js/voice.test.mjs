// The speaker button: only with a Vietnamese voice, and then always lang = "vi-VN".
import test from "node:test";
import assert from "node:assert/strict";
import { plan } from "../../kiosk/web/static/tablet/flow.js";
import { createVoice, vietnameseVoice, welcomeLines } from "../../kiosk/web/static/tablet/voice.js";
import { QN } from "./questionnaire.mjs";

const P = plan(QN);

function fakeWindow(voices) {
  const spoken = [];
  return {
    spoken,
    speechSynthesis: { getVoices: () => voices, speak: (u) => spoken.push(u), cancel: () => {}, addEventListener: () => {} },
    SpeechSynthesisUtterance: function (textToSay) { this.text = textToSay; }
  };
}
function fakeDocument() {
  const button = { hidden: true };
  return { button, querySelector: () => button };
}

test("the question and the five labels, in the order the faces stand", () => {
  assert.deepEqual(welcomeLines(P, "vi"), ["Hài lòng?", "m5", "m4", "m3", "m2", "m1"]);
});

test("a Vietnamese voice is found by its language, never an English fallback", () => {
  assert.equal(vietnameseVoice([{ lang: "en-US" }]), null);
  assert.equal(vietnameseVoice([{ lang: "en-US" }, { lang: "vi_VN", name: "vi" }]).name, "vi");
});

test("with a vi-VN voice the button shows and speaks in vi-VN", () => {
  const win = fakeWindow([{ lang: "vi-VN" }]), doc = fakeDocument();
  const voice = createVoice(win, doc, {}, P, true);
  voice.init();
  assert.equal(doc.button.hidden, false);
  voice.speak();
  assert.equal(win.spoken.length, 6);
  assert.ok(win.spoken.every((u) => u.lang === "vi-VN"));
});

test("no Vietnamese voice, or the setting off: the button stays hidden and nothing is said", () => {
  for (const [voices, enabled] of [[[{ lang: "en-US" }], true], [[{ lang: "vi-VN" }], false]]) {
    const win = fakeWindow(voices), doc = fakeDocument();
    const voice = createVoice(win, doc, {}, P, enabled);
    voice.init();
    voice.speak();
    assert.equal(doc.button.hidden, true);
    assert.equal(win.spoken.length, 0);
  }
});
