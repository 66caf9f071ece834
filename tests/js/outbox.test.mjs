// The outbox: nothing lost, nothing doubled, one failing rating never holds the others.
import test from "node:test";
import assert from "node:assert/strict";
import { createOutbox, QUEUE_KEY } from "../../kiosk/web/static/tablet/outbox.js";

function memoryStorage() {
  const data = {};
  return { getItem: (k) => (k in data ? data[k] : null), setItem: (k, v) => { data[k] = String(v); }, data };
}

/** An outbox on a fake clock and fake timers; ``server(body)`` answers each request. */
function rig(server) {
  const t = { now: 1_000_000, timers: [] };
  const sent = [];
  const storage = memoryStorage();
  const enrolment = [];
  const box = createOutbox({
    storage,
    now: () => t.now,
    setTimer: (fn, ms) => { const timer = { fn, at: t.now + ms }; t.timers.push(timer); return timer; },
    clearTimer: (timer) => { t.timers = t.timers.filter((x) => x !== timer); },
    send: async (body) => { sent.push(body.id); return server(body); },
    onEnrolment: (ok) => enrolment.push(ok)
  });
  /** Move the clock on and run the timers that are due. */
  async function advance(ms) {
    t.now += ms;
    for (;;) {
      const due = t.timers.filter((x) => x.at <= t.now);
      if (!due.length) break;
      t.timers = t.timers.filter((x) => x.at > t.now);
      for (const x of due) await x.fn();
      await new Promise((r) => setImmediate(r));
    }
    await box.flush();
  }
  return { box, sent, storage, advance, enrolment, t };
}
const ok = (status) => async () => ({ status, json: { status: "created" } });
const body = (id, extra) => Object.assign({ id, overall: 5 }, extra || {});

test("a rating is on disk before it is sent and leaves only when the server has it", async () => {
  let answer = { status: 201, json: {} };
  const { box, storage } = rig(async () => answer);
  const pending = box.add(body("a"));
  assert.equal(JSON.parse(storage.data[QUEUE_KEY]).length, 1);  // written first
  await pending;
  assert.deepEqual(box.items(), []);
  answer = { status: 200, json: { status: "duplicate" } };
  await box.add(body("b"));
  assert.deepEqual(box.items(), []);
});

test("a held rating is not sent until released, then sent once with its last body", async () => {
  const { box, sent } = rig(ok(201));
  await box.add(body("a"), { held: true });
  assert.deepEqual(sent, []);
  assert.equal(box.amend(body("a", { overall: 2 })), true);
  await box.release(body("a", { overall: 3, complete: true }));
  assert.deepEqual(sent, ["a"]);
  assert.deepEqual(box.items(), []);
  assert.equal(box.amend(body("a", { overall: 1 })), false);  // gone: nothing to change
});

test("one rating that keeps failing backs off alone; the others go on", async () => {
  const { box, sent, advance } = rig(async (b) => (b.id === "bad" ? { status: 500, json: null } : { status: 201, json: {} }));
  await box.add(body("bad"));
  await box.add(body("good1"));
  await box.add(body("good2"));
  assert.deepEqual(box.items().map((i) => i.id), ["bad"]);
  assert.ok(sent.includes("good1") && sent.includes("good2"));
  const tries = () => sent.filter((id) => id === "bad").length;
  const before = tries();
  await advance(1000);
  assert.equal(tries(), before);  // still waiting its own back-off
  await advance(60_000);
  assert.ok(tries() > before);
  const [item] = box.items();
  assert.ok(item.backoff > 2000, "back-off grows");
});

test("network down: every rating kept in order; sent once each when it is back", async () => {
  let up = false;
  const stored = [];
  const { box, advance } = rig(async (b) => {
    if (!up) throw new TypeError("Failed to fetch");
    if (!stored.includes(b.id)) stored.push(b.id);
    return { status: 201, json: {} };
  });
  for (const id of ["1", "2", "3"]) await box.add(body(id));
  assert.deepEqual(box.items().map((i) => i.id), ["1", "2", "3"]);
  up = true;
  await advance(10 * 60_000);
  assert.deepEqual(box.items(), []);
  assert.deepEqual(stored, ["1", "2", "3"]);
});

test("a 409 for a stored id ends the retries; a 400 sets the rating aside, never dropped", async () => {
  const { box } = rig(async (b) => (b.id === "x" ? { status: 409, json: { error: { code: "conflict" } } }
                                                  : { status: 400, json: { error: { code: "invalid", fields: { overall: "bad" } } } }));
  await box.add(body("x"));
  await box.add(body("y"));
  assert.deepEqual(box.items(), []);
  const [rejected] = box.rejected();
  assert.equal(rejected.id, "y");
  assert.equal(rejected.status, 400);
  assert.deepEqual(rejected.error.fields, { overall: "bad" });
});

test("a dossier code refused by the server: the rating is sent again without it", async () => {
  const bodies = [];
  const { box } = rig(async (b) => {
    bodies.push(Object.assign({}, b));
    return b.receipt ? { status: 409, json: { error: { code: "receipt_used" } } } : { status: 201, json: {} };
  });
  await box.add(body("a", { receipt: "K7Q2M9XD" }));
  assert.deepEqual(box.items(), []);
  assert.equal(bodies.length, 2);
  assert.equal(bodies[1].receipt, undefined);
});

test("not enrolled: kept, reported, sent once enrolled again", async () => {
  let enrolled = false;
  const { box, enrolment, advance } = rig(async () => (enrolled ? { status: 201, json: {} }
    : { status: 401, json: { error: { code: "not_enrolled" } } }));
  await box.add(body("a"));
  assert.equal(box.items().length, 1);
  assert.deepEqual(enrolment, [false]);
  enrolled = true;
  await advance(5 * 60_000);
  assert.deepEqual(box.items(), []);
  assert.equal(enrolment[enrolment.length - 1], true);
});

test("a page that starts again releases what an earlier page held", async () => {
  const { box, sent, storage } = rig(ok(201));
  await box.add(body("a"), { held: true });
  const again = createOutbox({ storage, send: async (b) => { sent.push(b.id); return { status: 201, json: {} }; },
                               setTimer: () => null, clearTimer: () => {} });
  again.releaseAll();
  await again.flush();
  assert.deepEqual(sent, ["a"]);
  assert.deepEqual(again.items(), []);
});

test("a rating held too long is sent anyway", async () => {
  const { box, sent, advance } = rig(ok(201));
  await box.add(body("a"), { held: true });
  await advance(31 * 60_000);
  assert.deepEqual(sent, ["a"]);
});

test("without storage the outbox still works in memory", async () => {
  const sent = [];
  const box = createOutbox({ storage: { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("full"); } },
                             send: async (b) => { sent.push(b.id); return { status: 500, json: null }; },
                             setTimer: () => null, clearTimer: () => {} });
  await box.add(body("a"));
  assert.deepEqual(box.items().map((i) => i.id), ["a"]);
});
