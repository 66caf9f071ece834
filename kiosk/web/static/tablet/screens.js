/* Drawing the machine's state on the page: which screen shows, its texts in the chosen
   language (from the server's catalogue in the page's data block), the chips, the answers,
   the buttons. No decisions here: machine.js decides, this only shows. ES2017. */

import { GROUPS, commentMax, pick, reasonsApply, stepsFor, text } from "./flow.js";
import { renderOther, renderOwner, showFace } from "./followups.js";
import { currentStep } from "./machine.js";

// Small line icons for the reason groups (papers, a person, a chair, a dot-dot-dot).
const GROUP_ICONS = {
  procedure: "M7 3h8l4 4v14H7z M15 3v4h4 M10 12h6 M10 16h6",
  officer: "M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7",
  place: "M6 11V5h12v6 M4 11h16v4H4z M6 15v6 M18 15v6",
  other: "M6 12h.01 M12 12h.01 M18 12h.01"
};
const SCREEN_OF = { welcome: "welcome", redo: "welcome", not_enrolled: "not-enrolled", ack: "ack",
                    thanks: "thanks", keypad: "keypad" };
// Which buttons each state shows at the bottom.
const ACTIONS = { ack: ["redo", "done"], redo: ["back"], quick: ["back", "skip", "done"],
                  comment: ["back", "done"], keypad: ["back", "check"] };

/** The label of ``value`` in one of the vocabulary's lists ({value, label: {vi, en}}). */
export function vocabLabel(vocabulary, list, value, lang) {
  const item = ((vocabulary || {})[list] || []).find((x) => x.value === value);
  return item ? pick(item.label, lang) : value;
}

export function createScreens(doc, strings, p, data) {
  const vocabulary = data.vocabulary || {};
  const $ = (sel, root) => (root || doc).querySelector(sel);
  const $all = (sel, root) => Array.prototype.slice.call((root || doc).querySelectorAll(sel));

  function el(tag, attrs, children) {
    const node = doc.createElement(tag);
    Object.keys(attrs || {}).forEach((k) => {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach((c) => { if (c) node.appendChild(c); });
    return node;
  }
  function svgIcon(className, d, viewBox) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = doc.createElementNS(ns, "svg");
    svg.setAttribute("class", className);
    svg.setAttribute("viewBox", viewBox || "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = doc.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
    return svg;
  }

  let shown = null;
  let binding = { receipt: null, procedure_name: null };

  function languageTexts(s) {
    const t = (key, values) => text(strings, s.lang, key, values);
    doc.documentElement.lang = s.lang;
    const filled = { n: vocabulary.due_working_days };
    $all("[data-i18n]").forEach((node) => { node.textContent = t(node.getAttribute("data-i18n"), filled); });
    $all("[data-vocab]").forEach((node) => {
      const [list, value] = node.getAttribute("data-vocab").split(":");
      node.textContent = vocabLabel(vocabulary, list, value, s.lang);
    });
    $all(".lang-btn").forEach((b) => {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === s.lang ? "true" : "false");
    });
    const overall = p.overallQuestion;
    if (overall) {
      $all("[data-qtext]").forEach((node) => { node.textContent = pick(overall.text, s.lang); });
      $all(".face-label").forEach((node) => {
        const value = node.getAttribute("data-option");
        overall.options.forEach((o) => { if (o.value === value) node.textContent = pick(o.label, s.lang); });
      });
    }
    const cxBox = $('[data-role="complaint"]');
    if (cxBox) {
      const values = { unit: data.unit_name || "", commune: data.commune_name || "",
                       days: cxBox.getAttribute("data-retention-days") || "30" };
      $all("[data-cx-text]", cxBox).forEach((node) => { node.textContent = t(node.getAttribute("data-cx-text"), values); });
    }
    const area = $("#comment");
    if (area) area.placeholder = t("comment_placeholder");
  }

  function renderProcedure(s) {
    const box = $('[data-testid="procedure"]');
    if (!box) return;
    const name = s.name === "welcome" && binding.receipt ? binding.procedure_name : null;
    box.hidden = !name;
    $('[data-testid="procedure-name"]', box).textContent = name || "";
  }

  function renderAck(s) {
    const screen = $("#screen-ack");
    const r = s.response;
    $('[data-role="ack-label"]', screen).textContent = showFace(doc, $('[data-role="ack-face"]', screen), r.overall);
    const withReasons = reasonsApply(r, p);
    screen.classList.toggle("has-reasons", withReasons);
    if (!withReasons) screen.classList.remove("other-on");
    const reasonsBox = $('[data-role="reasons"]', screen);
    reasonsBox.hidden = !withReasons;
    if (withReasons) renderReasons(s, reasonsBox);
    $('[data-action="more"]', screen).hidden = stepsFor(r, p).length === 0;
  }

  function renderReasons(s, box) {
    const q = p.reasons;
    $('[data-role="qtext"]', box).textContent = pick(q.text, s.lang);
    const help = $('[data-role="qhelp"]', box);
    help.textContent = pick(q.help, s.lang);
    help.hidden = !help.textContent;
    const chosen = s.response.answers[q.id] || [];
    renderOther(doc, p, s, box);
    const groups = $('[data-role="groups"]', box);
    groups.textContent = "";
    const order = (vocabulary.topics || []).map((x) => x.value).concat(GROUPS).filter((g, i, all) => all.indexOf(g) === i);
    q.options.forEach((o) => { if (order.indexOf(o.group || "other") < 0) order.push(o.group); });
    order.forEach((group) => {
      const options = q.options.filter((o) => (o.group || "other") === group);
      if (!options.length) return;
      const section = el("section", { className: "group group-" + group, "data-testid": "group-" + group }, [
        el("h3", { className: "group-title" }, [
          svgIcon("group-icon", GROUP_ICONS[group] || GROUP_ICONS.other),
          el("span", { text: vocabLabel(vocabulary, "topics", group, s.lang) })
        ])
      ]);
      options.forEach((o) => {
        const on = chosen.indexOf(o.value) >= 0;
        section.appendChild(el("button", {
          type: "button", className: "chip", "data-reason": o.value,
          "data-testid": "reason-" + o.value, "aria-pressed": on ? "true" : "false"
        }, [el("span", { className: "chip-box", "aria-hidden": "true" }),
            el("span", { className: "chip-label", text: pick(o.label, s.lang) })]));
      });
      groups.appendChild(section);
    });
  }

  function renderProgress(s, screen) {
    const box = $('[data-role="progress"]', screen);
    const steps = stepsFor(s.response, p);
    box.textContent = "";
    const dots = el("span", { className: "dots", "aria-hidden": "true" });
    steps.forEach((st, i) => {
      dots.appendChild(el("span", { className: "dot" + (i < s.step ? " is-done" : "") + (i === s.step ? " is-current" : "") }));
    });
    box.appendChild(dots);
    box.appendChild(el("span", { text: text(strings, s.lang, "progress", { i: s.step + 1, n: steps.length }) }));
  }

  function renderQuick(s, step) {
    const screen = $("#screen-quick");
    const q = step.q;
    renderOwner(doc, strings, s, screen);
    renderProgress(s, screen);
    $('[data-role="qtext"]', screen).textContent = pick(q.text, s.lang);
    const box = $('[data-role="answers"]', screen);
    box.textContent = "";
    // No tick or cross: whether "Có" is good news depends on the question.
    q.options.forEach((o) => {
      box.appendChild(el("button", {
        type: "button", className: "answer", "data-answer": o.value,
        "data-testid": "answer-" + q.id + "-" + o.value,
        "aria-pressed": s.response.answers[q.id] === o.value ? "true" : "false"
      }, [el("span", { className: "answer-label", text: pick(o.label, s.lang) })]));
    });
  }

  function renderComment(s, step) {
    const screen = $("#screen-comment");
    renderOwner(doc, strings, s, screen);
    renderProgress(s, screen);
    $('[data-role="qtext"]', screen).textContent = pick(step.q.text, s.lang);
    const area = $("#comment");
    area.maxLength = commentMax(step.q.max_length, s.response.other);  // room left beside a "Khác" text
    renderCounter(s);
    const cx = s.response.complaint;
    const box = $('[data-role="complaint"]');
    $('[data-cx="toggle"]', box).setAttribute("aria-pressed", cx.on ? "true" : "false");
    $("#cx-panel").hidden = !cx.on;
    screen.classList.toggle("cx-on", cx.on);
    $all('[data-cx="kind"], [data-cx="topic"]', box).forEach((chip) => {
      const chosen = chip.getAttribute("data-cx") === "kind" ? cx.kind : cx.topic;
      chip.setAttribute("aria-pressed", chip.getAttribute("data-value") === chosen ? "true" : "false");
    });
    const problem = $('[data-testid="complaint-problem"]', box);
    problem.textContent = s.problem ? text(strings, s.lang, s.problem) : "";
    problem.hidden = !s.problem;
    box.classList.toggle("has-problem", !!s.problem);
  }

  function renderCounter(s) {
    const area = $("#comment");
    if (!area) return;
    $('[data-role="counter"]', $("#screen-comment")).textContent =
      text(strings, s.lang, "chars", { n: area.value.length, max: area.maxLength > 0 ? area.maxLength : 2000 });
  }

  function renderActions(s, kind) {
    const actions = $("#actions");
    if (!actions) return;
    const wanted = ACTIONS[kind] || [];
    actions.hidden = wanted.length === 0;
    $all("[data-action]", actions).forEach((b) => { b.hidden = wanted.indexOf(b.getAttribute("data-action")) < 0; });
    actions.setAttribute("data-count", String(wanted.length));
  }

  /** Show state ``s``; returns the name of the screen now shown. */
  function render(s) {
    const step = currentStep(s, p);
    const kind = step ? step.kind : s.name;
    const screen = step ? step.kind : (SCREEN_OF[s.name] || "welcome");
    languageTexts(s);
    $all("[data-screen]").forEach((node) => { node.hidden = node.getAttribute("data-screen") !== screen; });
    doc.body.classList.toggle("is-redo", s.name === "redo");
    doc.body.classList.toggle("is-not-enrolled", !s.enrolled);
    if (s.name === "ack") renderAck(s);
    if (step && step.kind === "quick") renderQuick(s, step);
    if (step && step.kind === "comment") renderComment(s, step);
    const thanksCx = $('[data-testid="thanks-complaint"]');
    if (thanksCx) thanksCx.hidden = !(s.name === "thanks" && s.withComplaint);
    const codeBox = $('[data-testid="thanks-complaint-code"]');
    if (codeBox && s.name !== "thanks") { codeBox.hidden = true; codeBox.textContent = ""; }
    renderActions(s, kind);
    renderProcedure(s);
    if (screen !== shown) {
      const stage = $("#stage");
      if (stage) stage.scrollTop = 0;
      if (doc.defaultView) doc.defaultView.scrollTo(0, 0);
    }
    shown = screen;
    return screen;
  }

  return {
    render,
    renderCounter,
    /** The dossier the next rating binds to; ``manual``: typed on the keypad, so the
        counter's poll does not replace it. */
    setBinding(receipt, name, manual) {
      binding = { receipt: typeof receipt === "string" ? receipt : null,
                  procedure_name: typeof name === "string" ? name : null, manual: !!manual };
    },
    /** The keypad's line: what was typed, and a message if the code was not accepted. */
    renderKeypad(lang, typed, problem) {
      const entry = $('[data-testid="keypad-entry"]');
      if (!entry) return;
      entry.textContent = typed;
      const box = $('[data-testid="keypad-problem"]');
      box.textContent = problem ? text(strings, lang, problem) : "";
      box.hidden = !problem;
    },
    binding: () => binding,
    /** The complaint's own code, once the server has given it (the citizen's key to the reply). */
    complaintCode(lang, code) {
      const box = $('[data-testid="thanks-complaint-code"]');
      if (!box || !/^[0-9A-Z]{9}$/.test(code)) return;
      const shown = code.slice(0, 4) + "-" + code.slice(4, 8) + "-" + code.slice(8);
      box.textContent = text(strings, lang, "thanks_code", { code: shown, url: data.settings.complaint_url });
      box.hidden = false;
    },
    /** The queue indicator: shown only when a rating lingers (normally gone within a second). */
    renderQueue(lang, items, rejected, t) {
      const box = $('[data-testid="queue-indicator"]');
      if (!box) return;
      const n = items.length;
      const lingering = items.some((it) => !it.held && (it.tries > 0 || t - Date.parse(it.queued_at) > 3000));
      $('[data-testid="queue-count"]', box).textContent = String(n);
      box.title = text(strings, lang, "queue_title", { n });
      box.setAttribute("aria-label", text(strings, lang, "queue_title", { n }));
      box.setAttribute("data-rejected", String(rejected.length));
      box.hidden = !lingering;
      const kept = $('[data-testid="queue-kept"]');
      if (kept) kept.hidden = n === 0;
    },
    /** The progress bar of the acknowledgement screen, running for ``ms``. */
    startBar(ms) {
      const bar = $('#screen-ack [data-role="bar"]');
      if (!bar) return;
      bar.classList.remove("is-running");
      bar.parentNode.classList.remove("is-stopped");
      void bar.offsetWidth;  // restart the animation
      bar.style.animationDuration = ms + "ms";  // CSSOM, allowed by the CSP
      bar.classList.add("is-running");
    },
    stopBar() {
      const bar = $('#screen-ack [data-role="bar"]');
      // touched: the citizen is answering, the countdown no longer applies
      if (bar) { bar.classList.remove("is-running"); bar.parentNode.classList.add("is-stopped"); }
    }
  };
}
