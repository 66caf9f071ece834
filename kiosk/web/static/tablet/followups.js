/* Two small parts of the tablet's screens (drawn, never decided: machine.js decides):
   - the face a follow-up screen belongs to, beside "Đây không phải đánh giá của tôi", so a
     citizen who took up the offer on someone else's acknowledgement sees it is not theirs;
   - the "Khác" box under the reasons ("Ông/Bà vui lòng ghi rõ"), open while "Khác" is
     chosen, its length kept so that it and the comment fit the comment's limit together.
   ES2017. */

import { OTHER, otherMax, text } from "./flow.js";

/** A copy of the welcome screen's face for ``rating`` in ``box``; returns its label. */
export function showFace(doc, box, rating) {
  const face = doc.querySelector('.face[data-rating="' + rating + '"]');
  const source = face ? face.querySelector(".face-svg") : null;
  box.textContent = "";
  if (source) box.appendChild(source.cloneNode(true));
  const label = face ? face.querySelector(".face-label") : null;
  return label ? label.textContent : "";
}

/** The face these follow-up questions belong to, on ``screen``. */
export function renderOwner(doc, strings, s, screen) {
  const label = showFace(doc, screen.querySelector('[data-role="owner-face"]'), s.response.overall);
  screen.querySelector('[data-role="owner-label"]').textContent = text(strings, s.lang, "owner", { label });
}

/** The "Khác" box in the reasons ``box``: shown while "Khác" is chosen; its text stays while
    the chip goes off and on again (the machine sends it only while chosen). */
export function renderOther(doc, p, s, box) {
  const other = box.querySelector('[data-role="other"]');
  if (!other) return;
  const chosen = s.response.answers[p.reasons.id] || [];
  other.hidden = chosen.indexOf(OTHER) < 0;
  doc.getElementById("screen-ack").classList.toggle("other-on", !other.hidden);
  const comment = p.steps.find((st) => st.kind === "comment");
  doc.getElementById("reason-other").maxLength = otherMax(comment ? comment.q.max_length : 2000, s.response.comment);
}
