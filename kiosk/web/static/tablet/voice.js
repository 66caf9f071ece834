/* The speaker button: reads the question and the five labels aloud in Vietnamese through the
   browser's speech synthesis. Only when the setting TABLET_VOICE is on and a vi-VN voice is
   installed (Android ships offline Vietnamese voices); otherwise the button stays hidden,
   because a missing voice would silently read Vietnamese with an English voice. ES2017. */

import { pick } from "./flow.js";

/** The texts to read for the welcome screen: the question, then each face's label in the
    order the faces stand on the screen (the questionnaire's order). */
export function welcomeLines(p, lang) {
  const q = p.overallQuestion;
  if (!q) return [];
  return [pick(q.text, lang)].concat(q.options.map((o) => pick(o.label, lang)));
}

/** A Vietnamese voice among ``voices``, or null. */
export function vietnameseVoice(voices) {
  return (voices || []).find((v) => String(v.lang || "").replace("_", "-").toLowerCase().indexOf("vi") === 0) || null;
}

export function createVoice(win, doc, strings, p, enabled) {
  const synth = enabled && win.speechSynthesis ? win.speechSynthesis : null;
  let voice = null;
  function button() { return doc.querySelector("[data-voice]"); }
  function refresh() {
    voice = synth ? vietnameseVoice(synth.getVoices()) : null;
    const b = button();
    if (b) b.hidden = !voice;
  }
  return {
    init() {
      refresh();
      if (synth && typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", refresh);
      else if (synth) synth.onvoiceschanged = refresh;
    },
    /** Read the welcome screen aloud, always in Vietnamese (the only voice we rely on). */
    speak() {
      if (!synth || !voice) return;
      synth.cancel();
      welcomeLines(p, "vi").forEach((line) => {
        const u = new win.SpeechSynthesisUtterance(line);
        u.lang = "vi-VN";
        u.voice = voice;
        u.rate = 0.9;
        synth.speak(u);
      });
    },
    stop() { if (synth) synth.cancel(); }
  };
}
