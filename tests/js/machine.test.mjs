// The tablet's state machine, driven as a citizen would: node --test tests/js/
import test from "node:test";
import assert from "node:assert/strict";
import { commentMax, otherMax, plan } from "../../kiosk/web/static/tablet/flow.js";
import { TABLE, initial, transition } from "../../kiosk/web/static/tablet/machine.js";
import { QN } from "./questionnaire.mjs";

const P = plan(QN);
let clock = 1000;
let ids = 0;

/** Feed events to the machine; collect every effect. */
function run(events, start) {
  let s = start || initial(true, "vi");
  const effects = [];
  for (const ev of events) {
    clock += 700;
    const e = Object.assign({ now: clock }, ev);
    if (e.type === "face") Object.assign(e, { id: e.id || "id-" + (++ids), createdAt: "2026-12-01T09:00:00.000+07:00" });
    const out = transition(s, e, P);
    s = out.state;
    effects.push(...out.effects);
  }
  return { s, effects };
}
const last = (effects) => effects[effects.length - 1];

test("the transition table names only states it has", () => {
  const states = new Set(Object.keys(TABLE));
  for (const row of Object.values(TABLE)) {
    for (const target of Object.values(row)) {
      assert.ok(states.has(target) || target.startsWith("step:"), target);
    }
  }
});

test("a happy citizen taps once: queued at once, complete when the screen times out", () => {
  const { s, effects } = run([{ type: "face", value: 5 }]);
  assert.equal(s.name, "ack");
  assert.deepEqual(effects.map((e) => e.do), ["queue"]);
  assert.equal(effects[0].body.overall, 5);
  const after = run([{ type: "timeout" }], s);
  assert.equal(after.s.name, "welcome");
  assert.equal(after.s.response, null);
  const released = last(after.effects);
  assert.equal(released.do, "release");
  assert.equal(released.body.complete, true);
  assert.equal(released.body.id, effects[0].body.id);
  assert.deepEqual(released.body.answers, {});
});

test("an unhappy citizen: face, two chips, Xong", () => {
  const { s, effects } = run([{ type: "face", value: 2 }, { type: "reason", value: "fees" },
                              { type: "reason", value: "waiting" }, { type: "done" }]);
  assert.equal(s.name, "thanks");
  const released = last(effects);
  assert.equal(released.do, "release");
  assert.deepEqual(released.body.answers, { reasons: ["fees", "waiting"] });
  assert.equal(released.body.complete, true);
  assert.equal(run([{ type: "timeout" }], s).s.name, "welcome");
});

test("reasons are not taken for a happy rating", () => {
  const { s, effects } = run([{ type: "face", value: 5 }, { type: "reason", value: "fees" }]);
  assert.equal(effects.length, 1);
  assert.deepEqual(s.response.answers, {});
});

test("a mis-tap corrected with Chọn lại keeps one id and drops reasons that no longer apply", () => {
  const { s, effects } = run([{ type: "face", value: 1 }, { type: "reason", value: "fees" }, { type: "redo" },
                              { type: "face", value: 5 }, { type: "timeout" }]);
  assert.equal(s.name, "welcome");
  const ids = new Set(effects.map((e) => e.body.id));
  assert.equal(ids.size, 1);  // one response, never a second one
  assert.deepEqual(effects.map((e) => e.do), ["queue", "amend", "amend", "release"]);
  assert.equal(last(effects).body.overall, 5);
  assert.deepEqual(last(effects).body.answers, {});
});

test("Quay lại from the redo screen keeps the first face", () => {
  const { s } = run([{ type: "face", value: 3 }, { type: "redo" }, { type: "back" }]);
  assert.equal(s.name, "ack");
  assert.equal(s.response.overall, 3);
});

test("more questions by choice, with a way back, and the comment", () => {
  const { s, effects } = run([{ type: "face", value: 4 }, { type: "more" },
                              { type: "answer", value: "yes" }, { type: "back" },
                              { type: "answer", value: "no" }, { type: "skip" },
                              { type: "done", comment: "  Tốt  " }]);
  assert.equal(s.name, "thanks");
  const body = last(effects).body;
  assert.deepEqual(body.answers, { on_time: "no" });
  assert.equal(body.comment, "Tốt");
  assert.equal(body.complete, true);
});

test("back from the first question leads to the acknowledgement", () => {
  const { s } = run([{ type: "face", value: 4 }, { type: "more" }, { type: "back" }]);
  assert.equal(s.name, "ack");
});

test("walking away mid-way: released incomplete, and the next face starts a new response", () => {
  const first = run([{ type: "face", value: 2 }, { type: "more" }, { type: "answer", value: "yes" }, { type: "timeout" }]);
  assert.equal(first.s.name, "welcome");
  const released = last(first.effects);
  assert.equal(released.body.complete, false);
  assert.deepEqual(released.body.answers, { on_time: "yes" });
  const second = run([{ type: "face", value: 5 }, { type: "timeout" }], first.s);
  assert.notEqual(second.effects[0].body.id, released.body.id);
  assert.deepEqual(last(second.effects).body.answers, {});
});

test("a phone number without consent stops Xong on the comment; walking away drops the number", () => {
  const at = run([{ type: "face", value: 1 }, { type: "more" }, { type: "skip" }, { type: "skip" },
                  { type: "cx", what: "toggle" }, { type: "cx", what: "topic", value: "officer" }]);
  const refused = run([{ type: "done", comment: "x", phone: "0912345678", consent: false }], at.s);
  assert.equal(refused.s.name, "step");
  assert.equal(refused.s.problem, "cx_need_consent");
  assert.deepEqual(refused.effects, []);
  const away = run([{ type: "timeout", comment: "x", phone: "0912345678", consent: false }], refused.s);
  const body = last(away.effects).body;
  assert.deepEqual(body.complaint, { topic: "officer" });
  const ok = run([{ type: "done", comment: "x", phone: "0912 345 678", consent: true }], refused.s);
  assert.deepEqual(last(ok.effects).body.complaint, { topic: "officer", phone: "0912345678", consent: true });
  assert.equal(ok.s.withComplaint, true);
});

test("English for this citizen, Vietnamese again for the next", () => {
  const { s } = run([{ type: "lang", lang: "en" }, { type: "face", value: 5 }]);
  assert.equal(s.lang, "en");
  assert.equal(run([{ type: "timeout" }], s).s.lang, "vi");
  assert.equal(run([{ type: "lang", lang: "en" }, { type: "timeout" }]).s.lang, "vi");
});

test("lost enrolment shows the notice instead of the faces, not in the middle of a rating", () => {
  const mid = run([{ type: "face", value: 5 }, { type: "unenrolled" }]);
  assert.equal(mid.s.name, "ack");
  const after = run([{ type: "timeout" }], mid.s);
  assert.equal(after.s.name, "not_enrolled");
  assert.equal(run([{ type: "enrolled" }], after.s).s.name, "welcome");
});

test("taps the state does not take change nothing", () => {
  const s = initial(true, "vi");
  for (const type of ["answer", "reason", "done", "back", "more", "skip"]) {
    const out = transition(s, { type, now: 1 }, P);
    assert.equal(out.state, s, type);
    assert.deepEqual(out.effects, []);
  }
});

test("a complaint needs a text: Xong asks for it, walking away keeps the rating without it", () => {
  const at = run([{ type: "face", value: 2 }, { type: "more" }, { type: "skip" }, { type: "skip" },
                  { type: "cx", what: "toggle" }]);
  const refused = run([{ type: "done", comment: "   " }], at.s);
  assert.equal(refused.s.name, "step");
  assert.equal(refused.s.problem, "cx_need_text");
  assert.deepEqual(refused.effects, []);
  const away = run([{ type: "timeout", comment: "" }], refused.s);
  const body = last(away.effects).body;
  assert.equal(body.overall, 2);
  assert.equal(body.complaint, undefined);
  const ok = run([{ type: "done", comment: "Chờ lâu quá" }], refused.s);
  assert.deepEqual(last(ok.effects).body.complaint, { topic: "other" });
  assert.equal(ok.s.withComplaint, true);
  assert.equal(ok.s.lastId, last(ok.effects).body.id);
});

test("Khác with its text: kept in the comment as 'Khác: …', before the citizen's own", () => {
  const { s, effects } = run([{ type: "face", value: 2 }, { type: "reason", value: "other" },
                              { type: "more", other: "  Không có chỗ để xe  " }, { type: "skip" }, { type: "skip" },
                              { type: "done", comment: "Mong sửa sớm." }]);
  assert.equal(s.name, "thanks");
  const released = last(effects).body;
  assert.deepEqual(released.answers, { reasons: ["other"] });
  assert.equal(released.comment, "Khác: Không có chỗ để xe\nMong sửa sớm.");
  // "Xong" straight from the acknowledgement screen keeps it too
  const direct = run([{ type: "face", value: 1 }, { type: "reason", value: "other" }, { type: "done", other: "<b>x</b>" }]);
  assert.equal(last(direct.effects).body.comment, "Khác: <b>x</b>");
});

test("the Khác text is left out when Khác is not chosen, or the face was corrected to a good one", () => {
  const off = run([{ type: "face", value: 2 }, { type: "reason", value: "other" }, { type: "reason", value: "other" },
                   { type: "done", other: "typed, then the chip taken off" }]);
  assert.equal(last(off.effects).body.comment, undefined);
  const redo = run([{ type: "face", value: 2 }, { type: "reason", value: "other" }, { type: "redo", other: "x" },
                    { type: "face", value: 5 }, { type: "done" }]);
  assert.equal(last(redo.effects).body.comment, undefined);
  assert.deepEqual(last(redo.effects).body.answers, {});
});

test("the Khác text and the comment, each as long as its box allows, stay within the comment's limit", () => {
  const other = "x".repeat(otherMax(2000, ""));
  assert.equal(other.length, 200);
  const own = "y".repeat(commentMax(2000, other));
  const { effects } = run([{ type: "face", value: 2 }, { type: "reason", value: "other" },
                           { type: "more", other }, { type: "skip" }, { type: "skip" }, { type: "done", comment: own }]);
  assert.equal(last(effects).body.comment.length, 2000);
  // the other way round: a long comment first, then back to the acknowledgement screen
  assert.equal(otherMax(2000, "z".repeat(1990)), 2000 - 6 - 1991);
  assert.equal(commentMax(2000, ""), 2000);
});

test("'Đây không phải đánh giá của tôi': the first rating as it stood, the follow-ups dropped, a fresh start", () => {
  // the first citizen: a face and a reason, then gone; the next one taps "more" and answers
  const first = run([{ type: "face", value: 2 }, { type: "reason", value: "waiting" }]);
  const next = run([{ type: "more" }, { type: "answer", value: "no" }, { type: "cx", what: "toggle" }], first.s);
  assert.equal(next.s.name, "step");
  const out = run([{ type: "notmine", comment: "typed by the second citizen", phone: "0912345678", consent: true }],
                  next.s);
  assert.equal(out.s.name, "welcome");
  assert.equal(out.s.response, null);
  const released = last(out.effects);
  assert.equal(released.do, "release");
  assert.equal(released.body.id, first.effects[0].body.id);
  assert.equal(released.body.overall, 2);
  assert.deepEqual(released.body.answers, { reasons: ["waiting"] });
  assert.equal(released.body.comment, undefined);
  assert.equal(released.body.complaint, undefined);
  assert.equal(released.body.complete, false);
  // the second citizen's own face starts a new response
  const own = run([{ type: "face", value: 4 }], out.s);
  assert.notEqual(own.effects[0].body.id, released.body.id);
});
