/* The phone form, with JavaScript: a conditional question ("Chỉ trả lời nếu …") shows only
   while its condition holds; hidden, its fieldset is disabled, so a choice made before the
   citizen changed an earlier answer is not sent. Without JavaScript every question stays,
   labelled with its condition. The condition is evaluated by the tablet's own rule (conditions.js). ES2017. */

import { holds } from "./conditions.js";

function answers(form) {
  const out = {};
  Array.prototype.forEach.call(form.elements, (el) => {
    if (!el.name || el.disabled) return;
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
    out[el.name] = el.value;
  });
  return out;
}

function apply(form) {
  const given = answers(form);
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-when]"), (box) => {
    let when = null;
    try { when = JSON.parse(box.getAttribute("data-when")); } catch (e) { return; }
    const on = holds(when, given);
    box.hidden = !on;
    box.disabled = !on;
  });
}

const form = document.querySelector('[data-testid="phone-form"]');
if (form) {
  // twice: a question hidden now may itself be the condition of a later one
  const run = () => { apply(form); apply(form); };
  form.addEventListener("change", run);
  run();
}
