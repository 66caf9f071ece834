// A small questionnaire shaped like survey_forms/questionnaires/counter.toml (as to_client()
// sends it): the main rating, reasons asked for 3 or less, two quick questions, a comment.
const both = (vi, en) => ({ vi, en });
export const QN = {
  id: "counter", version: 1, overall: "overall",
  questions: [
    { id: "overall", type: "rating", scale: 5, quick: false, when: null, text: both("Hài lòng?", "Satisfied?"),
      options: [5, 4, 3, 2, 1].map((v) => ({ value: String(v), group: null, label: both("m" + v, "l" + v) })) },
    { id: "reasons", type: "multi_choice", quick: false, when: { question: "overall", op: "<=", value: "3" },
      text: both("Điều gì chưa tốt?", "What was not good?"),
      options: [{ value: "fees", group: "procedure", label: both("Phí", "Fees") },
                { value: "waiting", group: "place", label: both("Chờ", "Waiting") },
                { value: "other", group: "other", label: both("Khác", "Other") }] },
    { id: "on_time", type: "yes_no", quick: true, when: null, text: both("Đúng hẹn?", "On time?"),
      options: [{ value: "yes", group: null, label: both("Có", "Yes") }, { value: "no", group: null, label: both("Không", "No") }] },
    { id: "visits", type: "choice", quick: true, when: null, text: both("Mấy lần?", "How many times?"),
      options: [{ value: "none", group: null, label: both("0", "0") }, { value: "once", group: null, label: both("1", "1") }] },
    { id: "comment", type: "text", quick: false, when: null, max_length: 2000, text: both("Góp ý?", "Comment?"), options: [] }
  ]
};
