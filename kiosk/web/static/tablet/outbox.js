/* The outbox: every rating is written to storage (localStorage) before the citizen is
   thanked, and leaves it only when the server has it (201 created, 200 duplicate, 409 same
   id already stored). Each rating has its own back-off: one that keeps failing waits alone
   while the others go on. A 400 moves the rating to a separate "rejected" list (kept,
   never retried); a dossier code the server refuses (used elsewhere, expired) is dropped
   from the body and the rating sent again unbound.

   A rating may be queued "held" (the undo window of machine.js): it is on disk but not
   sent until released. A held rating older than ``holdMaxMs`` is sent anyway, so a stuck
   screen can never keep a rating back.

   Everything from outside comes in ``deps`` (storage, send, clock, timers), so node's test
   runner drives it without a browser (tests/js/outbox.test.mjs). ES2017. */

export const QUEUE_KEY = "hailong.queue.v1";
export const REJECTED_KEY = "hailong.rejected.v1";

export function createOutbox(deps) {
  const storage = deps.storage;
  const now = deps.now || (() => Date.now());
  const setTimer = deps.setTimer || ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer || ((t) => clearTimeout(t));
  const onChange = deps.onChange || (() => {});
  const onEnrolment = deps.onEnrolment || (() => {});
  const warn = deps.warn || (() => {});
  const backoffMin = deps.backoffMin || 2000;
  const backoffMax = deps.backoffMax || 5 * 60 * 1000;
  const holdMaxMs = deps.holdMaxMs || 30 * 60 * 1000;
  const memory = {};  // if storage is unavailable or full
  let timer = null;
  let running = null;

  function read(key) {
    try {
      const raw = storage.getItem(key);
      if (raw !== null && raw !== undefined) {
        const list = JSON.parse(raw);
        if (Array.isArray(list)) return list;
      }
    } catch (e) { /* fall back to memory */ }
    return (memory[key] || []).slice();
  }
  function write(key, list) {
    memory[key] = list.slice();
    try { storage.setItem(key, JSON.stringify(list)); } catch (e) { /* kept in memory */ }
  }
  function update(id, fn) {
    const list = read(QUEUE_KEY);
    let found = null;
    list.forEach((item) => { if (item.id === id) { fn(item); found = item; } });
    write(QUEUE_KEY, list);
    return found;
  }
  function remove(id) { write(QUEUE_KEY, read(QUEUE_KEY).filter((item) => item.id !== id)); }

  function isDue(item, t) {
    if (item.held && t - Date.parse(item.queued_at) < holdMaxMs) return false;
    return !item.next_at || item.next_at <= t;
  }

  function schedule() {
    if (timer !== null) { clearTimer(timer); timer = null; }
    const t = now();
    let soonest = null;
    read(QUEUE_KEY).forEach((item) => {
      const at = item.held ? Date.parse(item.queued_at) + holdMaxMs : (item.next_at || t);
      if (soonest === null || at < soonest) soonest = at;
    });
    if (soonest !== null) timer = setTimer(() => { timer = null; flush(); }, Math.max(0, soonest - t));
  }

  function failed(item, network) {
    update(item.id, (it) => {
      it.tries = (it.tries || 0) + 1;
      it.backoff = it.backoff ? Math.min(it.backoff * 2, backoffMax) : backoffMin;
      it.next_at = now() + it.backoff;
      it.network = !!network;
    });
  }

  async function sendOne(item) {
    let r;
    try {
      r = await deps.send(item.body);
    } catch (e) {
      failed(item, true);
      return "network";
    }
    const error = r.json && r.json.error;
    if (item.body.receipt && error &&
        ((r.status === 409 && error.code === "receipt_used") ||
         (r.status === 400 && error.code === "invalid_receipt"))) {
      // The dossier was rated elsewhere first, or its code expired: nothing was stored.
      // Keep the citizen's rating all the same, sent again without the dossier.
      update(item.id, (it) => { delete it.body.receipt; it.next_at = 0; });
      return "again";
    }
    if (r.status === 201 || r.status === 200 || r.status === 409) {
      remove(item.id);
      onEnrolment(true);
      return "done";
    }
    if (r.status === 400 || r.status === 413 || r.status === 422) {
      const rejected = read(REJECTED_KEY);
      rejected.push({ id: item.id, body: item.body, status: r.status, error: error || null,
                      at: new Date(now()).toISOString() });
      write(REJECTED_KEY, rejected);
      remove(item.id);
      warn("Hài lòng: response rejected by the server", r.status, error);
      return "done";
    }
    if ((r.status === 401 || r.status === 403) && error && error.code === "not_enrolled") onEnrolment(false);
    failed(item, r.status >= 502 && r.status <= 504);  // a proxy's "server unreachable"
    return "failed";
  }

  /** Send every rating that is due, one request at a time, in queue order. */
  function flush() {
    if (running) return running.then(() => flush());
    running = (async () => {
      const tried = {};
      for (;;) {
        const t = now();
        const item = read(QUEUE_KEY).find((it) => !tried[it.id] && isDue(it, t));
        if (!item) break;
        tried[item.id] = true;
        const outcome = await sendOne(item);
        if (outcome === "again") delete tried[item.id];
        if (outcome === "done") {
          // the server answers: ratings that failed only for want of a network go now
          const list = read(QUEUE_KEY);
          list.forEach((it) => { if (it.network) it.next_at = 0; });
          write(QUEUE_KEY, list);
        }
        onChange();
      }
    })();
    return running.then(() => { running = null; schedule(); onChange(); });
  }

  return {
    /** Store ``body`` (held: not sent until released) and try to send what is due. */
    add(body, { held } = {}) {
      const list = read(QUEUE_KEY);
      list.push({ id: body.id, body, queued_at: new Date(now()).toISOString(), tries: 0, held: !!held });
      write(QUEUE_KEY, list);
      onChange();
      return flush();
    },
    /** Replace the body of a rating still held; false if it has already gone. */
    amend(body) {
      const list = read(QUEUE_KEY);
      const item = list.find((it) => it.id === body.id);
      if (!item || !item.held) return false;
      item.body = body;
      write(QUEUE_KEY, list);
      return true;
    },
    /** End the hold (with the final body, if given) and send. */
    release(body) {
      const id = typeof body === "string" ? body : body.id;
      const item = update(id, (it) => { if (typeof body !== "string" && it.held) it.body = body; it.held = false; it.next_at = 0; });
      if (!item && typeof body !== "string") warn("Hài lòng: released rating not in the outbox", id);
      return flush();
    },
    /** At start: nobody is at the screen of a previous page any more. */
    releaseAll() {
      const list = read(QUEUE_KEY);
      list.forEach((it) => { it.held = false; });
      write(QUEUE_KEY, list);
    },
    /** Forget every back-off (the network came back, or someone asked) and send now. */
    retryNow() {
      const list = read(QUEUE_KEY);
      list.forEach((it) => { it.next_at = 0; });
      write(QUEUE_KEY, list);
      return flush();
    },
    flush,
    items: () => read(QUEUE_KEY),
    rejected: () => read(REJECTED_KEY)
  };
}
