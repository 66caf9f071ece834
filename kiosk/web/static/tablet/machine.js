/* The counter tablet's screens as one state machine: TABLE says, for each state and event,
   which state comes next; transition() applies it and returns the effects for the outbox.
   Pure (no DOM, no clock, no storage): main.js feeds it events with the time and ids it
   needs, node's test runner feeds it the same events (tests/js/machine.test.mjs).

   The tap is the rating. A face tap on the welcome screen queues the rating at once (held)
   and shows "Cảm ơn Ông/Bà, đã ghi nhận" with an offer of more questions; nothing else is
   needed, and the screen goes back to the welcome screen by itself.

   Correcting a mis-tap: "Chọn lại". We hold the rating in the persisted outbox (an undo
   window) while the citizen is still at the tablet, instead of sending it and superseding
   it with a second response. Why: a held rating changed before it is sent leaves one row on
   the server, one id, one link of the hash chain, nothing to de-duplicate in analysis and no
   cooldown flag from a second tap seconds later; the rating is already on disk (localStorage)
   when the citizen is thanked, so a reload or a power cut loses nothing (main.js releases
   whatever was held when the page starts). The follow-up answers amend the same held body;
   the hold ends with "Xong", a time-out or a new page, and the outbox sends it then.

   A citizen's answers never join the next citizen's: every follow-up screen times out short
   (IDLE_SECONDS) back to the welcome screen, and only a face tap there starts a response.

   The known risk that remains: a citizen who walks away during the ~8 s acknowledgement,
   and the next one who taps "Ông/Bà có muốn trả lời thêm…" there, answering for the first
   one's face. So every follow-up screen shows the face it belongs to, with "Đây không phải
   đánh giá của tôi" (event notmine): the first citizen's rating is sent as it stood when
   the follow-ups began (the face and the reasons chosen on the acknowledgement screen,
   complete: false), whatever was given on the follow-up screens is dropped (it may be the
   second citizen's), and the welcome screen starts fresh for the second one. Why not more:
   a lock or a question before every follow-up would cost each honest citizen a tap, and
   the face on every screen is what tells the second citizen that this is not theirs. */

import { body, complaintOf, reasonsApply, stepsFor } from "./flow.js";

export const FIRST = "step:first";
export const NEXT = "step:next";
export const PREV = "step:prev";

/** state × event → next state. "step:*" moves through the follow-up questions (past the
    last one: "thanks"; before the first: back to "ack"). */
export const TABLE = {
  welcome: { face: "ack", keypad: "keypad", lang: "welcome", timeout: "welcome" },
  keypad: { found: "welcome", back: "welcome", timeout: "welcome", lang: "keypad" },
  not_enrolled: { lang: "not_enrolled", timeout: "not_enrolled" },
  ack: { reason: "ack", redo: "redo", more: FIRST, done: "thanks", timeout: "welcome", lang: "ack" },
  redo: { face: "ack", back: "ack", timeout: "welcome", lang: "redo" },
  step: { answer: NEXT, skip: NEXT, back: PREV, cx: "step", done: "thanks", notmine: "welcome", timeout: "welcome",
          lang: "step" },
  thanks: { timeout: "welcome", lang: "thanks" }
};

/** States in which a time-out counts the rating as complete (follow-ups declined). */
const DECLINED = { ack: true, redo: true };

export function initial(enrolled, lang) {
  return { name: enrolled ? "welcome" : "not_enrolled", lang: lang || "vi", enrolled: !!enrolled,
           response: null, step: -1, problem: null, withComplaint: false };
}

function copy(s) {
  const out = Object.assign({}, s);
  if (s.response) {
    out.response = Object.assign({}, s.response, { answers: Object.assign({}, s.response.answers),
                                                 complaint: Object.assign({}, s.response.complaint) });
  }
  return out;
}

function newResponse(ev) {
  return { id: ev.id, overall: ev.value, answers: {}, comment: "",
           complaint: { on: false, kind: null, topic: null },
           createdAt: ev.createdAt, startedAt: ev.now, receipt: ev.receipt || null };
}

/** Apply ``ev`` ({type, ...}) to state ``s`` for the questionnaire plan ``p``.
    Returns {state, effects}; effects are {do: "queue"|"amend"|"release", body}. An event
    the current state does not take changes nothing. */
export function transition(s, ev, p) {
  if (ev.type === "enrolled" || ev.type === "unenrolled") {
    const n = copy(s);
    n.enrolled = ev.type === "enrolled";
    if (n.name === "welcome" && !n.enrolled) n.name = "not_enrolled";
    else if (n.name === "not_enrolled" && n.enrolled) n.name = "welcome";
    return { state: n, effects: [] };
  }
  const row = TABLE[s.name] || {};
  let target = row[ev.type];
  if (!target) return { state: s, effects: [] };
  const n = copy(s);
  const effects = [];
  const r = n.response;
  const inputs = { phone: ev.phone, consent: ev.consent };
  if (typeof ev.comment === "string" && r) r.comment = ev.comment;
  if (typeof ev.other === "string" && r) r.other = ev.other;  // "Khác": "Ông/Bà vui lòng ghi rõ"
  const held = (complete) => ({ do: "amend", body: body(r, p, { complete, now: ev.now, inputs }) });

  switch (ev.type) {
    case "lang":
      n.lang = ev.lang;
      break;
    case "face":
      if (s.name === "welcome") {
        n.response = newResponse(ev);
        effects.push({ do: "queue", body: body(n.response, p, { complete: true, now: ev.now }) });
      } else {  // redo: the same held rating, corrected before it was sent
        r.overall = ev.value;
        r.createdAt = ev.createdAt;
        effects.push(held(true));
      }
      break;
    case "reason": {
      if (!p.reasons || !reasonsApply(r, p)) return { state: s, effects: [] };
      const list = (r.answers[p.reasons.id] || []).slice();
      const at = list.indexOf(ev.value);
      if (at >= 0) list.splice(at, 1); else list.push(ev.value);
      if (list.length) r.answers[p.reasons.id] = list; else delete r.answers[p.reasons.id];
      effects.push(held(true));
      break;
    }
    case "answer":
    case "skip": {
      const step = stepsFor(r, p)[s.step];
      if (!step || step.kind !== "quick") { if (ev.type === "answer") return { state: s, effects: [] }; }
      else if (ev.type === "answer") r.answers[step.q.id] = ev.value;
      else delete r.answers[step.q.id];
      effects.push(held(false));
      break;
    }
    case "cx": {  // "Tôi muốn được phản hồi" and its choices; "input": the phone or consent changed
      const cx = r.complaint;
      if (ev.what === "toggle") cx.on = !cx.on;
      else if (ev.what === "kind" || ev.what === "topic") cx[ev.what] = cx[ev.what] === ev.value ? null : ev.value;
      if (ev.what === "toggle" || ev.what === "input") n.problem = null;
      break;
    }
    case "back":
      if (s.name === "step") effects.push(held(false));
      break;
    case "done": {
      const checked = complaintOf(r.complaint, inputs, true, body(r, p, { complete: true, now: ev.now }).comment);
      if (checked.problem) {
        n.problem = checked.problem;
        return { state: n, effects: [] };
      }
      const b = body(r, p, { complete: true, now: ev.now, inputs });
      n.withComplaint = !!b.complaint;
      n.lastId = b.id;
      effects.push({ do: "release", body: b });
      break;
    }
    case "notmine": {  // the follow-ups are not this citizen's: the rating as it stood before them
      const kept = p.reasons ? r.answers[p.reasons.id] : null;  // chosen on the acknowledgement screen
      r.answers = {};
      if (kept) r.answers[p.reasons.id] = kept.slice();
      r.comment = "";
      r.complaint = { on: false, kind: null, topic: null };
      effects.push({ do: "release", body: body(r, p, { complete: false, now: ev.now, inputs: {} }) });
      break;
    }
    case "timeout":
      if (r && s.name !== "thanks") {
        effects.push({ do: "release", body: body(r, p, { complete: !!DECLINED[s.name], now: ev.now, inputs }) });
      }
      break;
    default:
      break;
  }

  // where the follow-up questions lead
  if (target === FIRST || target === NEXT || target === PREV) {
    const steps = stepsFor(n.response, p);
    const at = target === FIRST ? 0 : target === NEXT ? s.step + 1 : s.step - 1;
    if (at < 0) { target = "ack"; n.step = -1; }
    else if (at >= steps.length) {
      const b = body(n.response, p, { complete: true, now: ev.now, inputs });
      n.withComplaint = !!b.complaint;
      n.lastId = b.id;
      effects.push({ do: "release", body: b });
      target = "thanks";
      n.step = -1;
    } else { n.step = at; target = "step"; }
  }
  if (target !== n.name) n.problem = target === "step" ? n.problem : null;
  if (target === "welcome") {
    // the next citizen starts in Vietnamese; the keypad's own citizen keeps their language
    const keep = (s.name === "welcome" && ev.type === "lang") || (s.name === "keypad" && ev.type !== "timeout");
    const lang = keep ? n.lang : "vi";
    const fresh = initial(n.enrolled, lang);
    if (ev.type === "timeout" || (s.name !== "welcome")) return { state: fresh, effects };
    n.name = fresh.name;
    return { state: n, effects };
  }
  if (target === "ack" || target === "thanks" || target === "redo") n.step = -1;
  if (target === "step" && s.name === "step" && ev.type !== "cx") n.problem = null;
  n.name = target;
  return { state: n, effects };
}

/** The step the citizen is on ({kind, q}) or null. */
export function currentStep(s, p) {
  if (s.name !== "step" || !s.response) return null;
  return stepsFor(s.response, p)[s.step] || null;
}
