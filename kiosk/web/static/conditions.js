/* A questionnaire's condition ("overall <= 3", "online_used == yes"), as survey_forms/model.py
   evaluates it on the server, for the tablet (tablet/flow.js). The phone form needs no
   script: the server shows a conditional question on a later screen (survey_forms/pages.py). ES2017. */

/** Does the condition ``when`` ({question, op, value}, or null) hold for ``answers``? */
export function holds(when, answers) {
  if (!when) return true;
  const got = answers[when.question];
  if (got === undefined || got === null) return false;
  if (when.op === "==" || when.op === "!=") {
    const same = String(got) === String(when.value);
    return when.op === "==" ? same : !same;
  }
  const a = Number(got), b = Number(when.value);
  if (isNaN(a) || isNaN(b)) return false;
  switch (when.op) {
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
    default: return false;
  }
}
