/* The counter tablet's page: wires taps to the state machine, the machine's effects to the
   outbox, and the state to the screens. Timers live here (the machine has no clock):
   the acknowledgement returns to the welcome screen after THANKS_SECONDS untouched, every
   follow-up screen after IDLE_SECONDS untouched, the final thanks after a few seconds.
   No inline script or style (the CSP forbids both); data comes from #kiosk-data. ES2017. */

import { isoLocal, newId, plan } from "./flow.js";
import { initial, transition } from "./machine.js";
import { createOutbox } from "./outbox.js";
import { createScreens } from "./screens.js";
import { createVoice } from "./voice.js";

const DATA = JSON.parse(document.getElementById("kiosk-data").textContent);
const SETTINGS = DATA.settings || {};
const STRINGS = DATA.strings || {};
const P = plan(DATA.questionnaire || { questions: [] });
const IDLE_MS = Math.max(1, Number(SETTINGS.idle_seconds) || 20) * 1000;
const ACK_MS = Math.max(1, Number(SETTINGS.thanks_seconds) || 8) * 1000;
const DONE_MS = Math.min(3000, ACK_MS);  // the last "Cảm ơn Ông/Bà!" after "Xong": a short goodbye
const POLL_MS = 3000;
const SEND_TIMEOUT_MS = 20000;
const HAS_FACES = !!document.getElementById("screen-welcome");

const $ = (sel, root) => (root || document).querySelector(sel);

function send(body) {
  const controller = window.AbortController ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), SEND_TIMEOUT_MS) : null;
  return fetch(SETTINGS.api_url || "/api/v1/responses", {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json", "X-Kiosk-Request": "1", "Accept": "application/json" },
    body: JSON.stringify(body),
    signal: controller ? controller.signal : undefined
  }).then((res) => res.text().then((raw) => {
    clearTimeout(timer);
    let json = null;
    try { json = raw ? JSON.parse(raw) : null; } catch (e) { json = null; }
    return { status: res.status, json };
  }), (err) => { clearTimeout(timer); throw err; });
}

let state = initial(DATA.enrolled && HAS_FACES, "vi");
const screens = createScreens(document, STRINGS, P, DATA);
const voice = createVoice(window, document, STRINGS, P, !!SETTINGS.voice);
let storage;
try { storage = window.localStorage; } catch (e) { storage = null; }
const outbox = createOutbox({
  storage: storage || { getItem: () => null, setItem: () => { throw new Error("no storage"); } },
  send,
  onChange: renderQueue,
  onComplaintCode: (id, code) => {  // the citizen's own code, shown while they still look
    if (state.name === "thanks" && state.lastId === id) screens.complaintCode(state.lang, code);
  },
  onEnrolment: (ok) => {
    if (!ok && state.enrolled) dispatch({ type: "unenrolled" }, true);
    else if (ok && !state.enrolled && DATA.enrolled && HAS_FACES) dispatch({ type: "enrolled" }, true);
  },
  warn: (...args) => { if (window.console) console.warn(...args); }
});

let timer = null;
let touchedHere = false;
let typed = "";          // the keypad's code so far
let keypadProblem = null;
let lockUntil = 0;
let lockTimer = null;

function renderQueue() {
  screens.renderQueue(state.lang, outbox.items(), outbox.rejected(), Date.now());
}

// A short pause after each tap so that a double tap does not also answer the next screen;
// the body carries .is-busy meanwhile (tests wait for it to go).
function lock(ms) {
  lockUntil = Date.now() + ms;
  document.body.classList.add("is-busy");
  clearTimeout(lockTimer);
  lockTimer = setTimeout(() => document.body.classList.remove("is-busy"), ms);
}

function inputs() {
  const area = $("#comment"), phone = $("#cx-phone"), consent = $("#cx-consent");
  return { comment: area ? area.value : undefined, phone: phone ? phone.value : "",
           consent: !!(consent && consent.checked) };
}

function clearInputs() {
  const area = $("#comment"), phone = $("#cx-phone"), consent = $("#cx-consent"), other = $("#reason-other");
  if (area) { area.value = ""; area.blur(); }
  if (other) { other.value = ""; other.blur(); }
  if (phone) { phone.value = ""; phone.blur(); }
  if (consent) { consent.checked = false; markConsent(); }
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
}

// The ticked consent box gets a thick frame; a class, because Chrome 70 has no :has().
function markConsent() {
  const consent = $("#cx-consent");
  const label = consent && consent.closest ? consent.closest(".cx-consent") : null;
  if (label) label.classList.toggle("is-checked", consent.checked);
}

function apply(effect) {
  if (effect.do === "queue") outbox.add(effect.body, { held: true });
  else if (effect.do === "amend") outbox.amend(effect.body);
  else if (effect.do === "release") outbox.release(effect.body);
}

function dispatch(ev, quiet) {
  const before = state;
  if (before.name === "step") Object.assign(ev, inputs());
  const other = $("#reason-other");
  if (before.name === "ack" && other) ev.other = other.value;  // "Khác": "Ông/Bà vui lòng ghi rõ"
  ev.now = Date.now();
  const out = transition(before, ev, P);
  if (out.state === before) return;
  state = out.state;
  out.effects.forEach(apply);
  const moved = state.name !== before.name || state.step !== before.step;
  const shown = screens.render(state);
  if (moved) {
    touchedHere = false;
    if (!state.response) clearInputs();  // the next citizen finds nothing of this one
    if (state.name === "ack") screens.startBar(ACK_MS); else screens.stopBar();
    if (shown === "comment") {
      // Focus brings up the keyboard only after a tap; it helps physical keyboards.
      try { $("#comment").focus({ preventScroll: true }); } catch (e) { /* old WebView */ }
    }
    if (state.name === "welcome") poll();
    voice.stop();
  }
  if (ev.type === "face" || ev.type === "timeout") screens.setBinding(null, null);  // used, or gone
  if (moved && state.name === "keypad") { typed = ""; keypadProblem = null; }
  screens.renderKeypad(state.lang, typed, keypadProblem);
  if (!quiet) restartTimer();
  renderQueue();
}

// ---- the dossier keypad: a receipt code or a dossier code, checked with the server --------
const KEYPAD_MESSAGES = { used: "keypad_used", expired: "keypad_expired", unknown: "keypad_unknown" };
function typeKey(key) {
  if (key === "del") typed = typed.slice(0, -1);
  else if (typed.length < 40) typed += key;
  keypadProblem = null;
  screens.renderKeypad(state.lang, typed, keypadProblem);
}
function checkCode() {
  const code = typed.trim();
  if (!code || !SETTINGS.status_url) return;
  const show = (problem) => { keypadProblem = problem; screens.renderKeypad(state.lang, typed, problem); };
  fetch(SETTINGS.status_url.replace("CODE", encodeURIComponent(code)), {
    credentials: "same-origin", cache: "no-store", headers: { "X-Kiosk-Request": "1", "Accept": "application/json" }
  }).then((res) => res.json().catch(() => null).then((json) => ({ status: res.status, json })))
    .then((r) => {
      if (state.name !== "keypad") return;
      if (r.status === 429) return show("keypad_wait");
      if (r.status !== 200 || !r.json) return show("keypad_offline");
      if (r.json.status !== "open") return show(KEYPAD_MESSAGES[r.json.status] || "keypad_unknown");
      dispatch({ type: "found" });
      screens.setBinding(r.json.code, r.json.procedure_name, true);
      screens.render(state);
      restartTimer();
    }, () => { if (state.name === "keypad") show("keypad_offline"); });
}

function restartTimer() {
  clearTimeout(timer);
  timer = null;
  let ms = null;
  if (state.name === "ack") ms = touchedHere ? IDLE_MS : ACK_MS;
  else if (state.name === "redo" || state.name === "step") ms = IDLE_MS;
  else if (state.name === "thanks") ms = DONE_MS;
  else if (state.name === "keypad") ms = IDLE_MS;
  // welcome in English, or bound to a typed code: as it was for the next citizen
  else if (state.lang !== "vi" || screens.binding().manual) ms = IDLE_MS;
  if (ms !== null) timer = setTimeout(() => dispatch({ type: "timeout" }), ms);
}

function touched() {
  if (!touchedHere && state.name === "ack") screens.stopBar();
  touchedHere = true;
  restartTimer();
}

function onClick(event) {
  const target = event.target.closest ? event.target.closest("button, a") : null;
  if (!target) return;
  if (target.classList.contains("lang-btn")) { dispatch({ type: "lang", lang: target.getAttribute("data-lang") }); return; }
  if (target.hasAttribute("data-voice")) { voice.speak(state.lang); return; }
  if (target.hasAttribute("data-key")) { if (state.name === "keypad") typeKey(target.getAttribute("data-key")); return; }
  if (target.getAttribute("data-action") === "check") { checkCode(); return; }
  if (Date.now() < lockUntil) return;
  let ev = null;
  if (target.hasAttribute("data-rating")) {
    ev = { type: "face", value: parseInt(target.getAttribute("data-rating"), 10), id: newId(window.crypto),
           createdAt: isoLocal(new Date()), receipt: screens.binding().receipt };
    lock(450);
  } else if (target.hasAttribute("data-reason")) {
    ev = { type: "reason", value: target.getAttribute("data-reason") };
  } else if (target.hasAttribute("data-answer")) {
    ev = { type: "answer", value: target.getAttribute("data-answer") };
    target.classList.add("is-chosen");
    lock(300);
  } else if (target.hasAttribute("data-cx")) {
    ev = { type: "cx", what: target.getAttribute("data-cx"), value: target.getAttribute("data-value") };
  } else if (target.hasAttribute("data-action")) {
    ev = { type: target.getAttribute("data-action") };
    lock(300);
  }
  if (ev) dispatch(ev);
  if (ev && ev.type === "cx" && ev.what === "toggle" && state.response && state.response.complaint.on) {
    try { $('[data-role="complaint"]').scrollIntoView({ block: "start", behavior: "smooth" }); } catch (e) { /* old WebView */ }
  }
  if (state.problem) {
    try { $('[data-testid="complaint-problem"]').scrollIntoView({ block: "center", behavior: "smooth" }); } catch (e) { /* old WebView */ }
  }
}

// ---- which dossier is being returned at this counter (the procedure's name only) ----------
let polling = false;
function poll() {
  if (polling || !SETTINGS.state_url || !DATA.enrolled || state.name !== "welcome" || document.hidden) return;
  polling = true;
  const done = (receipt, name) => {
    polling = false;
    if (state.name !== "welcome") return;  // the citizen already tapped: keep what they saw
    if (screens.binding().manual) return;  // a code typed on the keypad stays until used
    screens.setBinding(receipt, name);
    screens.render(state);
  };
  fetch(SETTINGS.state_url, { credentials: "same-origin", cache: "no-store",
                              headers: { "X-Kiosk-Request": "1", "Accept": "application/json" } })
    .then((res) => res.json().catch(() => null).then((json) => ({ status: res.status, json })))
    .then((r) => {
      if (r.status === 200 && r.json) done(r.json.receipt || null, r.json.procedure_name || null);
      else done(null, null);
    }, () => done(null, null));
}

function registerServiceWorker() {
  // Only where the browser allows one (HTTPS or localhost); on plain http in a LAN the admin
  // overview says so (kiosk/web/admin.py) and the page works as long as it stays loaded.
  if (!SETTINGS.sw_url || !("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(SETTINGS.sw_url, { scope: "/" }).catch((e) => {
    if (window.console) console.warn("Hài lòng: no service worker", e);
  });
}

function start() {
  document.addEventListener("click", onClick);
  ["pointerdown", "touchstart", "keydown", "input", "wheel"].forEach((type) => {
    document.addEventListener(type, touched, { capture: true, passive: true });
  });
  document.addEventListener("contextmenu", (e) => {
    if (!(e.target && ["comment", "cx-phone", "reason-other"].indexOf(e.target.id) >= 0)) e.preventDefault();
  });
  const area = $("#comment");
  if (area) area.addEventListener("input", () => screens.renderCounter(state));
  ["#cx-phone", "#cx-consent"].forEach((sel) => {
    const node = $(sel);
    if (node) node.addEventListener(sel === "#cx-phone" ? "input" : "change", () => {
      markConsent();
      if (state.problem) dispatch({ type: "cx", what: "input" });
    });
  });
  window.addEventListener("online", () => outbox.retryNow());
  window.addEventListener("storage", (e) => { if (e.key === "hailong.queue.v1") renderQueue(); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) { poll(); outbox.flush(); } });
  setInterval(poll, POLL_MS);
  setInterval(renderQueue, 2000);
  // Whatever a previous page held is no longer on anyone's screen: send it.
  outbox.releaseAll();
  screens.render(state);
  voice.init();
  poll();
  outbox.retryNow();
  registerServiceWorker();
}

// For tests and staff diagnostics: read-only views of the queue, no citizen data shown.
window.hailong = {
  queue: () => outbox.items(),
  rejected: () => outbox.rejected(),
  flush: () => outbox.retryNow(),
  state: () => ({ screen: state.name, lang: state.lang, notEnrolled: !state.enrolled })
};

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
