/* The questionnaire as the tablet walks it: which follow-up steps exist, which conditional
   questions apply, and the body sent to POST /api/v1/responses. Pure functions, no DOM:
   imported by the browser and by node's test runner alike (tests/js/). ES2017. */

import { holds } from "../conditions.js";

export { holds };
export const MAX_QUICK = 3;
export const GROUPS = ["procedure", "officer", "place", "other"];
export const PHONE_RE = /^(?:\+?84|0)(?:\d{9}|\d{10})$/;  // as kiosk/domain/complaints.py
// "Khác" among the reasons opens a box "Ông/Bà vui lòng ghi rõ". Its text goes into the
// response's comment as "Khác: …" (a line before the citizen's own comment): the comment is
// what every export, the complaint inbox and the hash chain already carry as free text,
// so nothing new is needed to keep it, show it escaped or verify it. The lengths add up to
// at most the comment's own limit, so the server never refuses the rating for its length.
export const OTHER = "other";
export const OTHER_PREFIX = "Khác: ";
export const OTHER_MAX = 200;

/** ``template`` with each ``{name}`` replaced by ``values[name]``. */
export function format(template, values) {
  let text = String(template == null ? "" : template);
  Object.keys(values || {}).forEach((k) => { text = text.split("{" + k + "}").join(String(values[k])); });
  return text;
}

/** The text of ``key`` in ``lang`` from the server's catalogue ({key: {vi, en}}), Vietnamese
    when a translation is missing, the key itself when the text is unknown. */
export function text(strings, lang, key, values) {
  const entry = strings && strings[key];
  const raw = entry ? (entry[lang] || entry.vi) : key;
  return format(raw, values);
}

/** One of the questionnaire's bilingual texts ({vi, en}) in ``lang``. */
export function pick(textObj, lang) {
  if (!textObj) return "";
  return textObj[lang] || textObj.vi || "";
}

/** What the tablet asks, from the questionnaire sent by the server:
    ``reasons`` (the multiple-choice question shown on the acknowledgement screen when its
    condition holds, e.g. "Điều gì chưa tốt?" for a rating of 3 or less) and ``steps``
    (up to three quick questions, then the comment), offered only if the citizen asks. */
export function plan(qn) {
  const overall = qn.overall || "overall";
  const questions = qn.questions || [];
  let reasons = null;
  const steps = [];
  let quick = 0;
  questions.forEach((q) => {
    if (q.id === overall) return;
    if (q.quick) {
      if (quick < MAX_QUICK) { steps.push({ kind: "quick", q }); quick++; }
    } else if (q.type === "multi_choice" && !reasons) {
      reasons = q;
    } else if (q.type === "text") {
      steps.push({ kind: "comment", q });
    }
  });
  return {
    id: qn.id, version: qn.version, overall,
    overallQuestion: questions.find((q) => q.id === overall) || null,
    reasons, steps,
    question: (id) => questions.find((q) => q.id === id) || null
  };
}

/** The answers known so far, the main rating included (for conditions). */
export function known(response, p) {
  const all = Object.assign({}, response.answers);
  all[p.overall] = response.overall;
  return all;
}

/** The follow-up steps that apply to this response (conditions evaluated now). */
export function stepsFor(response, p) {
  const answers = known(response, p);
  return p.steps.filter((s) => holds(s.q.when, answers));
}

/** Do the reasons apply to this rating (e.g. 3 or less)? */
export function reasonsApply(response, p) {
  return !!p.reasons && holds(p.reasons.when, known(response, p));
}

export function phoneDigits(value) { return String(value || "").replace(/[\s.\-()]/g, ""); }

/** The ``complaint`` object of the body from the comment screen's inputs, or a problem.
    ``strict`` (the citizen pressed "Xong"): a phone number needs the consent box and a
    plausible number, else ``{problem}`` and nothing is sent yet. Not strict (the citizen
    walked away): a phone number without both is left out, the rest is kept. */
export function complaintOf(cx, inputs, strict, text) {
  if (!cx || !cx.on) return { complaint: null };
  // A complaint says what it is about (the comment): without it nobody can answer it.
  // Pressing "Xong" asks for it; walking away keeps the rating without a complaint.
  if (!String(text || "").trim()) return strict ? { problem: "cx_need_text" } : { complaint: null };
  const complaint = { topic: cx.topic || "other" };
  if (cx.kind) complaint.kind = cx.kind;
  const phone = phoneDigits(inputs && inputs.phone);
  if (phone) {
    const ok = !!(inputs && inputs.consent);
    if (!ok) { if (strict) return { problem: "cx_need_consent" }; }
    else if (!PHONE_RE.test(phone)) { if (strict) return { problem: "cx_bad_phone" }; }
    else { complaint.phone = phone; complaint.consent = true; }
  }
  return { complaint };
}

/** How long the citizen's own comment may be, beside a "Khác" text of ``other`` (its
    "Khác: " and line break included): together never more than the comment's limit. */
export function commentMax(max, other) {
  const taken = String(other || "").trim() ? OTHER_PREFIX.length + String(other).trim().length + 1 : 0;
  return Math.max(0, (max || 2000) - taken);
}

/** How long the "Khác" text may be, beside the citizen's own comment ``own``. */
export function otherMax(max, own) {
  const taken = String(own || "").trim() ? String(own).trim().length + 1 : 0;
  return Math.max(0, Math.min(OTHER_MAX, (max || 2000) - OTHER_PREFIX.length - taken));
}

/** The comment sent: "Khác: …" when "Khác" is among the reasons chosen (and still applies),
    then the citizen's own comment. */
export function commentOf(response, reasons) {
  const own = String(response.comment || "").trim();
  const other = String(response.other || "").trim().slice(0, OTHER_MAX);  // the input's maxlength holds it
  const parts = [];
  if (other && Array.isArray(reasons) && reasons.indexOf(OTHER) >= 0) parts.push(OTHER_PREFIX + other);
  if (own) parts.push(own);
  return parts.join("\n");
}

/** The body for POST /api/v1/responses. ``complete``: false only when the citizen took up
    the follow-up questions and walked away; declined or not offered counts as complete. */
export function body(response, p, { complete, now, inputs }) {
  const out = {
    id: response.id,
    channel: "kiosk",
    questionnaire: p.id,
    questionnaire_version: p.version,
    overall: response.overall,
    answers: {},
    complete: !!complete,
    created_at: response.createdAt,
    duration_ms: Math.max(0, Math.round((now || 0) - (response.startedAt || 0)))
  };
  const answers = known(response, p);
  Object.keys(response.answers).forEach((qid) => {
    const q = p.question(qid);
    let value = response.answers[qid];
    if (!q || value === undefined || value === null) return;
    if (!holds(q.when, answers)) return;  // e.g. reasons chosen, then the face corrected to 5
    if (Array.isArray(value)) { if (!value.length) return; value = value.slice(); }
    if (q.type === "rating") value = parseInt(value, 10);
    out.answers[qid] = value;
  });
  const comment = commentOf(response, out.answers[p.reasons ? p.reasons.id : ""]);
  if (comment) out.comment = comment;
  if (response.receipt) out.receipt = response.receipt;
  const cx = complaintOf(response.complaint, inputs, false, comment).complaint;
  if (cx) out.complaint = cx;
  return out;
}

function pad(n, w) { n = String(n); while (n.length < (w || 2)) n = "0" + n; return n; }

/** ``d`` as ISO 8601 in the tablet's local time with its offset (2026-12-01T14:05:00.000+07:00). */
export function isoLocal(d) {
  let off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  off = Math.abs(off);
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
    "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
    "." + pad(d.getMilliseconds(), 3) + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
}

/** A random UUID (v4) from ``crypto``; randomUUID needs a secure context, so fall back. */
export function newId(crypto) {
  if (crypto && typeof crypto.randomUUID === "function") {
    try { return crypto.randomUUID(); } catch (e) { /* not a secure context */ }
  }
  const b = new Uint8Array(16);
  if (crypto && crypto.getRandomValues) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.prototype.map.call(b, (x) => (x + 0x100).toString(16).slice(1)).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}
