/* The counter tablet: welcome faces -> reasons (low ratings) -> quick questions ->
   comment -> thanks, then back to the welcome screen for the next citizen.

   Every finished or abandoned response is written to localStorage first and sent from
   there (the offline queue): it leaves the queue only when the server has it (201, 200
   duplicate, 409 conflict), a 400 moves it to a separate "rejected" list (a dossier code the
   server refuses is dropped from the body and the rating sent again unbound), anything else
   is retried with back-off. The citizen is thanked at once either way.

   Plain ES2019, no framework, no inline script or style (the CSP forbids both). */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kiosk-data").textContent);
  var SETTINGS = DATA.settings || {};
  var QN = DATA.questionnaire || { questions: [] };
  var IDLE_MS = Math.max(1, Number(SETTINGS.idle_seconds) || 60) * 1000;
  var THANKS_MS = Math.max(1, Number(SETTINGS.thanks_seconds) || 5) * 1000;
  var QUEUE_KEY = "hailong.queue.v1";
  var REJECTED_KEY = "hailong.rejected.v1";
  var MAX_QUICK = 3;
  var POLL_MS = 3000;
  var BACKOFF_MIN = 2000;
  var BACKOFF_MAX = 5 * 60 * 1000;
  var SEND_TIMEOUT_MS = 20000;

  // ---- words on the screen ------------------------------------------------------------
  var STR = {
    vi: {
      procedure: "Thủ tục:",
      tap_face: "Mời Ông/Bà chạm vào một khuôn mặt",
      progress: "Câu hỏi {i}/{n} · không bắt buộc",
      skip: "Bỏ qua",
      skip_comment: "Bỏ qua",
      skip_comment_sub: "Không có góp ý",
      next: "Tiếp tục",
      send: "Gửi",
      comment_label: "Góp ý của Ông/Bà",
      comment_placeholder: "Mời Ông/Bà nhập góp ý (không bắt buộc)",
      chars: "{n}/{max} ký tự",
      group_procedure: "Thủ tục",
      group_officer: "Cán bộ",
      group_place: "Nơi tiếp đón",
      group_other: "Khác",
      thanks: "Cảm ơn Ông/Bà!",
      thanks_text: "Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn.",
      ne_title: "Thiết bị chưa được đăng ký",
      ne_text: "Máy tính bảng này chưa được đăng ký để nhận đánh giá. Quản trị viên cần đăng nhập trên chính máy này tại trang đăng ký thiết bị và đặt tên cho máy.",
      ne_link: "Mở trang đăng ký thiết bị",
      ne_keep: "Các đánh giá đã nhận trên máy này vẫn được giữ lại và sẽ được gửi sau khi đăng ký.",
      queue_title: "{n} đánh giá đang chờ gửi",
      cx_toggle: "Tôi muốn được phản hồi",
      cx_toggle_sub: "Góp ý được gửi thành phản ánh, kiến nghị và được trả lời",
      cx_kind: "Đây là",
      cx_kind_complaint: "Phản ánh",
      cx_kind_suggestion: "Kiến nghị",
      cx_topic: "Về việc",
      cx_phone: "Số điện thoại để được gọi lại (không bắt buộc)",
      cx_notice_title: "Thông báo về số điện thoại",
      cx_notice_what: "Lưu gì: chỉ số điện thoại Ông/Bà nhập ở trên, lưu riêng, không gắn với phiếu đánh giá.",
      cx_notice_why: "Để làm gì: chỉ để gọi lại cho Ông/Bà về phản ánh, kiến nghị này.",
      cx_notice_who: "Ai giữ: {unit}, UBND {commune}; chỉ cán bộ xử lý xem được.",
      cx_notice_how_long: "Bao lâu: đến khi phản ánh được giải quyết xong và thêm {days} ngày, sau đó tự động xóa.",
      cx_notice_withdraw: "Rút lại: báo tại quầy hoặc qua điện thoại bất cứ lúc nào; cán bộ xử lý xóa số ngay.",
      cx_consent: "Tôi đồng ý để lưu số điện thoại này theo thông báo trên.",
      cx_need_consent: "Số điện thoại chỉ được lưu khi Ông/Bà đánh dấu ô đồng ý. Xin Ông/Bà đánh dấu ô đồng ý, hoặc xóa số điện thoại nếu không muốn được gọi lại.",
      cx_bad_phone: "Số điện thoại chưa đúng. Xin Ông/Bà nhập số di động hoặc cố định, ví dụ 0912 345 678.",
      thanks_cx: "Phản ánh, kiến nghị của Ông/Bà sẽ được trả lời trong 15 ngày làm việc."
    },
    en: {
      procedure: "Procedure:",
      tap_face: "Please touch one face",
      progress: "Question {i} of {n} · optional",
      skip: "Skip",
      skip_comment: "Skip",
      skip_comment_sub: "No comment",
      next: "Continue",
      send: "Send",
      comment_label: "Your comment",
      comment_placeholder: "Type your comment here (optional)",
      chars: "{n}/{max} characters",
      group_procedure: "Procedure",
      group_officer: "Officer",
      group_place: "The place",
      group_other: "Other",
      thanks: "Thank you!",
      thanks_text: "Your opinion helps us serve you better.",
      ne_title: "This device is not enrolled",
      ne_text: "This tablet has not been enrolled to collect ratings. An administrator must sign in on this tablet at the device enrolment page and give it a name.",
      ne_link: "Open the enrolment page",
      ne_keep: "Ratings already given on this tablet are kept and will be sent once it is enrolled.",
      queue_title: "{n} ratings waiting to be sent",
      cx_toggle: "I would like a reply",
      cx_toggle_sub: "Your comment is sent as a complaint or suggestion and answered",
      cx_kind: "This is a",
      cx_kind_complaint: "Complaint",
      cx_kind_suggestion: "Suggestion",
      cx_topic: "About",
      cx_phone: "Phone number for a call back (optional)",
      cx_notice_title: "About your phone number",
      cx_notice_what: "What is kept: only the phone number you type above, stored apart from your rating.",
      cx_notice_why: "Why: only to call you back about this complaint or suggestion.",
      cx_notice_who: "Who holds it: {unit}, People's Committee of {commune}; only the official handling it can see it.",
      cx_notice_how_long: "How long: until your complaint is closed plus {days} days, then it is erased automatically.",
      cx_notice_withdraw: "To withdraw: tell us at the counter or by phone at any time; the official handling it erases the number at once.",
      cx_consent: "I agree that this phone number is kept as described above.",
      cx_need_consent: "A phone number is kept only if you tick the consent box. Please tick it, or delete the phone number if you do not want a call back.",
      cx_bad_phone: "This phone number does not look right. Please type a mobile or landline number, e.g. 0912 345 678.",
      thanks_cx: "Your complaint or suggestion will be answered within 15 working days."
    }
  };
  var GROUPS = ["procedure", "officer", "place", "other"];
  // Small line icons for the reason groups (papers, a person, a chair, a dot-dot-dot).
  var GROUP_ICONS = {
    procedure: "M7 3h8l4 4v14H7z M15 3v4h4 M10 12h6 M10 16h6",
    officer: "M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7",
    place: "M6 11V5h12v6 M4 11h16v4H4z M6 15v6 M18 15v6",
    other: "M6 12h.01 M12 12h.01 M18 12h.01"
  };

  function t(key, values) {
    var text = (STR[state.lang] && STR[state.lang][key]) || STR.vi[key] || key;
    if (values) {
      Object.keys(values).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    }
    return text;
  }
  function pick(textObj) {
    if (!textObj) return "";
    return textObj[state.lang] || textObj.vi || "";
  }

  // ---- small DOM helpers --------------------------------------------------------------
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function svgIcon(className, d, viewBox) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", className);
    svg.setAttribute("viewBox", viewBox || "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
    return svg;
  }

  // ---- the questionnaire ----------------------------------------------------------------
  var OVERALL = QN.overall || "overall";
  function question(id) {
    for (var i = 0; i < QN.questions.length; i++) if (QN.questions[i].id === id) return QN.questions[i];
    return null;
  }
  // The screens after the rating, in questionnaire order: the low-rating reasons
  // (a multiple choice asked on a condition), up to three quick questions, the comment.
  var FLOW = (function () {
    var flow = [], quick = 0;
    QN.questions.forEach(function (q) {
      if (q.id === OVERALL) return;
      if (q.quick) {
        if (quick < MAX_QUICK) { flow.push({ kind: "quick", q: q }); quick++; }
      } else if (q.type === "multi_choice") {
        flow.push({ kind: "reasons", q: q });
      } else if (q.type === "text") {
        flow.push({ kind: "comment", q: q });
      }
    });
    return flow;
  })();

  function holds(when, answers) {
    if (!when) return true;
    var got = answers[when.question];
    if (got === undefined || got === null) return false;
    if (when.op === "==" || when.op === "!=") {
      var same = String(got) === String(when.value);
      return when.op === "==" ? same : !same;
    }
    var a = Number(got), b = Number(when.value);
    if (isNaN(a) || isNaN(b)) return false;
    switch (when.op) {
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }
  function known() {
    var all = {};
    Object.keys(state.answers).forEach(function (k) { all[k] = state.answers[k]; });
    all[OVERALL] = state.overall;
    return all;
  }
  function stepsNow() {
    var answers = known();
    return FLOW.filter(function (s) { return holds(s.q.when, answers); });
  }

  // ---- state of the current citizen -----------------------------------------------------
  var state = freshState("vi");
  function freshState(lang) {
    return {
      lang: lang,
      screen: "welcome",
      overall: null,
      answers: {},
      comment: "",
      createdAt: null,
      startedMs: 0,
      receipt: null,
      step: null,
      sent: false,
      // "Tôi muốn được phản hồi": the phone number and consent live only in their inputs
      complaint: { on: false, kind: null, topic: null, problem: null }
    };
  }
  var notEnrolled = !DATA.enrolled || !$("#screen-welcome");
  var binding = { receipt: null, procedure_name: null };
  var lastTouch = Date.now();
  var thanksTimer = null;
  var lockUntil = 0, lockTimer = null;

  // A short pause after each tap so that a double tap does not also answer the next
  // screen; the body carries .is-busy meanwhile (tests wait for it to go).
  function lock(ms) {
    lockUntil = Date.now() + ms;
    document.body.classList.add("is-busy");
    clearTimeout(lockTimer);
    lockTimer = setTimeout(function () { document.body.classList.remove("is-busy"); }, ms);
  }

  // ---- screens --------------------------------------------------------------------------
  function show(name) {
    if (name === "welcome" && notEnrolled) name = "not-enrolled";
    state.screen = name;
    $all("[data-screen]").forEach(function (s) { s.hidden = s.getAttribute("data-screen") !== name; });
    var actions = $("#actions");
    if (actions) actions.hidden = !(name === "reasons" || name === "quick" || name === "comment");
    var stage = $("#stage");
    if (stage) stage.scrollTop = 0;
    window.scrollTo(0, 0);
    renderActions();
  }

  function renderActions() {
    var actions = $("#actions");
    if (!actions || actions.hidden) return;
    var skip = $('[data-action="skip"]', actions);
    var next = $('[data-action="next"]', actions);
    var send = $('[data-action="send"]', actions);
    next.hidden = state.screen !== "reasons";
    send.hidden = state.screen !== "comment";
    skip.textContent = "";
    if (state.screen === "comment") {
      skip.appendChild(el("span", { text: t("skip_comment") }));
      skip.appendChild(el("span", { className: "btn-sub", text: t("skip_comment_sub") }));
    } else {
      skip.textContent = t("skip");
    }
    next.textContent = t("next");
    send.textContent = t("send");
    actions.classList.toggle("is-single", state.screen === "quick");
  }

  function renderProgress(screen) {
    var box = $('[data-role="progress"]', screen);
    var steps = stepsNow();
    var index = steps.indexOf(state.step);
    box.textContent = "";
    var dots = el("span", { className: "dots", "aria-hidden": "true" });
    steps.forEach(function (s, i) {
      dots.appendChild(el("span", { className: "dot" + (i < index ? " is-done" : "") + (i === index ? " is-current" : "") }));
    });
    box.appendChild(dots);
    box.appendChild(el("span", { text: t("progress", { i: index + 1, n: steps.length }) }));
  }

  function renderReasons() {
    var screen = $("#screen-reasons");
    var q = state.step.q;
    renderProgress(screen);
    $('[data-role="qtext"]', screen).textContent = pick(q.text);
    var help = $('[data-role="qhelp"]', screen);
    help.textContent = pick(q.help);
    help.hidden = !help.textContent;
    var chosen = state.answers[q.id] || [];
    var box = $('[data-role="groups"]', screen);
    box.textContent = "";
    var order = GROUPS.slice();
    q.options.forEach(function (o) { if (order.indexOf(o.group || "other") < 0) order.push(o.group); });
    order.forEach(function (group) {
      var options = q.options.filter(function (o) { return (o.group || "other") === group; });
      if (!options.length) return;
      var section = el("section", { className: "group group-" + group, "data-testid": "group-" + group }, [
        el("h2", { className: "group-title" }, [
          svgIcon("group-icon", GROUP_ICONS[group] || GROUP_ICONS.other),
          el("span", { text: t("group_" + group) })
        ])
      ]);
      options.forEach(function (o) {
        var on = chosen.indexOf(o.value) >= 0;
        var chip = el("button", {
          type: "button", className: "chip", "data-reason": o.value,
          "data-testid": "reason-" + o.value, "aria-pressed": on ? "true" : "false"
        }, [el("span", { className: "chip-box", "aria-hidden": "true" }), el("span", { className: "chip-label", text: pick(o.label) })]);
        section.appendChild(chip);
      });
      box.appendChild(section);
    });
  }

  function renderQuick() {
    var screen = $("#screen-quick");
    var q = state.step.q;
    renderProgress(screen);
    $('[data-role="qtext"]', screen).textContent = pick(q.text);
    var box = $('[data-role="answers"]', screen);
    box.textContent = "";
    q.options.forEach(function (o) {
      var kids = [];
      if (q.type === "yes_no") {
        kids.push(svgIcon("answer-icon", o.value === "yes" ? "M16 52 L40 76 L84 28" : "M24 24 L76 76 M76 24 L24 76", "0 0 100 100"));
      }
      kids.push(el("span", { className: "answer-label", text: pick(o.label) }));
      box.appendChild(el("button", {
        type: "button", className: "answer answer-" + o.value, "data-answer": o.value,
        "data-testid": "answer-" + q.id + "-" + o.value,
        "aria-pressed": state.answers[q.id] === o.value ? "true" : "false"
      }, kids));
    });
  }

  function renderComment() {
    var screen = $("#screen-comment");
    var q = state.step.q;
    renderProgress(screen);
    $('[data-role="qtext"]', screen).textContent = pick(q.text);
    var area = $("#comment");
    area.maxLength = q.max_length || 2000;
    area.placeholder = t("comment_placeholder");
    renderCounter();
    renderComplaint();
  }

  // ---- "Tôi muốn được phản hồi": complaint or suggestion, and a phone only with consent ----
  var PHONE_RE = /^(?:\+?84|0)(?:\d{9}|\d{10})$/;  // as kiosk/complaint_rules.py
  function phoneDigits(value) { return String(value || "").replace(/[\s.\-()]/g, ""); }
  function renderComplaint() {
    var box = $('[data-role="complaint"]');
    if (!box) return;
    var cx = state.complaint;
    var values = {
      unit: DATA.unit_name || "", commune: DATA.commune_name || "",
      days: box.getAttribute("data-retention-days") || "30"
    };
    $all("[data-cx-text]", box).forEach(function (node) {
      node.textContent = t(node.getAttribute("data-cx-text"), values);
    });
    $('[data-cx="toggle"]', box).setAttribute("aria-pressed", cx.on ? "true" : "false");
    $("#cx-panel").hidden = !cx.on;
    $("#screen-comment").classList.toggle("cx-on", cx.on);
    $all('[data-cx="kind"], [data-cx="topic"]', box).forEach(function (chip) {
      var chosen = chip.getAttribute("data-cx") === "kind" ? cx.kind : cx.topic;
      chip.setAttribute("aria-pressed", chip.getAttribute("data-value") === chosen ? "true" : "false");
    });
    var problem = $('[data-testid="complaint-problem"]', box);
    problem.textContent = cx.problem ? t(cx.problem) : "";
    problem.hidden = !cx.problem;
    box.classList.toggle("has-problem", !!cx.problem);
  }
  function onComplaintTap(target) {
    var cx = state.complaint;
    var what = target.getAttribute("data-cx");
    if (what === "toggle") {
      cx.on = !cx.on;
      if (!cx.on) cx.problem = null;
    } else if (what === "kind" || what === "topic") {
      var value = target.getAttribute("data-value");
      cx[what] = cx[what] === value ? null : value;  // a second tap takes the choice back
    }
    renderComplaint();
    if (what === "toggle" && cx.on) {
      // the pressed toggle at the top, the choices under it, Send still in reach (sticky)
      var box = $('[data-role="complaint"]');
      try { box.scrollIntoView({ block: "start", behavior: "smooth" }); } catch (e) { /* old WebView */ }
    }
  }
  // The ``complaint`` object for the body, or null. ``strict`` (the citizen pressed Send):
  // a phone number needs the consent box and a plausible number, else a message and no
  // sending. Not strict (the citizen walked away): a phone number without both is dropped.
  function complaintBody(strict) {
    var cx = state.complaint;
    if (!cx.on) return { complaint: null };
    var complaint = { topic: cx.topic || "other" };
    if (cx.kind) complaint.kind = cx.kind;
    var input = $("#cx-phone"), consent = $("#cx-consent");
    var phone = input ? phoneDigits(input.value) : "";
    if (phone) {
      var ok = consent && consent.checked;
      if (!ok) { if (strict) return { problem: "cx_need_consent" }; }
      else if (!PHONE_RE.test(phone)) { if (strict) return { problem: "cx_bad_phone" }; }
      else { complaint.phone = phone; complaint.consent = true; }
    }
    return { complaint: complaint };
  }
  function clearComplaintInputs() {
    var input = $("#cx-phone"), consent = $("#cx-consent");
    if (input) { input.value = ""; input.blur(); }
    if (consent) consent.checked = false;
  }
  function renderCounter() {
    var area = $("#comment");
    if (!area) return;
    $('[data-role="counter"]', $("#screen-comment")).textContent =
      t("chars", { n: area.value.length, max: area.maxLength > 0 ? area.maxLength : 2000 });
  }

  function renderStep() {
    if (!state.step) return;
    if (state.step.kind === "reasons") renderReasons();
    else if (state.step.kind === "quick") renderQuick();
    else renderComment();
  }

  // Texts that do not depend on the step: labels, faces, the notice, the switch.
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    $all("[data-i18n]").forEach(function (node) { node.textContent = t(node.getAttribute("data-i18n")); });
    $all(".lang-btn").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === state.lang ? "true" : "false");
    });
    var overall = question(OVERALL);
    if (overall) {
      $all("[data-qtext]").forEach(function (node) { node.textContent = pick(overall.text); });
      $all(".face-label").forEach(function (node) {
        var value = node.getAttribute("data-option");
        overall.options.forEach(function (o) { if (o.value === value) node.textContent = pick(o.label); });
      });
    }
    renderProcedure();
    renderActions();
    renderStep();
    renderQueue();
  }

  function setLanguage(lang) {
    if (!STR[lang] || lang === state.lang) return;
    state.lang = lang;
    applyLanguage();
  }

  // ---- the citizen's path ---------------------------------------------------------------
  function goToStep(step) {
    state.step = step;
    if (!step) { finish(true); return; }
    renderStep();
    show(step.kind);
    if (step.kind === "comment") {
      // Focus brings up the tablet's keyboard only after a tap; a gentle focus helps
      // physical keyboards and does no harm on touch screens.
      var area = $("#comment");
      try { area.focus({ preventScroll: true }); } catch (e) { /* old WebView */ }
    }
  }

  function nextStep() {
    var steps = stepsNow();
    var from = state.step ? FLOW.indexOf(state.step) : -1;
    for (var i = 0; i < steps.length; i++) {
      if (FLOW.indexOf(steps[i]) > from) return steps[i];
    }
    return null;
  }

  function rate(value, button) {
    if (state.overall !== null || Date.now() < lockUntil) return;
    state.overall = value;
    state.createdAt = new Date();
    state.startedMs = Date.now();
    state.receipt = binding.receipt || null;
    button.classList.add("is-chosen");
    lock(350);
    setTimeout(function () {
      button.classList.remove("is-chosen");
      if (state.overall === value && state.screen === "welcome") goToStep(nextStep());
    }, 220);
  }

  function answerQuick(value, button) {
    if (Date.now() < lockUntil) return;
    var step = state.step;
    state.answers[step.q.id] = value;
    $all(".answer", $("#screen-quick")).forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    button.classList.add("is-chosen");
    lock(300);
    setTimeout(function () {
      if (state.step === step) goToStep(nextStep());
    }, 200);
  }

  function toggleReason(value, chip) {
    var qid = state.step.q.id;
    var list = (state.answers[qid] || []).slice();
    var at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1); else list.push(value);
    if (list.length) state.answers[qid] = list; else delete state.answers[qid];
    chip.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
  }

  function skip() {
    if (Date.now() < lockUntil || !state.step) return;
    var step = state.step;
    if (step.kind === "reasons" || step.kind === "quick") delete state.answers[step.q.id];
    if (step.kind === "comment") {
      state.comment = "";
      $("#comment").value = "";
      state.complaint.on = false;
      clearComplaintInputs();
      finish(true);
      return;
    }
    lock(250);
    goToStep(nextStep());
  }

  function next() {
    if (Date.now() < lockUntil || !state.step) return;
    lock(250);
    goToStep(nextStep());
  }

  function send() {
    if (!state.step) return;
    var checked = complaintBody(true);
    if (checked.problem) {
      state.complaint.problem = checked.problem;
      renderComplaint();
      var problem = $('[data-testid="complaint-problem"]');
      try { problem.scrollIntoView({ block: "center", behavior: "smooth" }); } catch (e) { /* old WebView */ }
      lock(300);
      return;
    }
    state.comment = $("#comment").value;
    finish(true);
  }

  // Record the response (complete or not), thank the citizen or go straight back.
  function finish(complete) {
    var area = $("#comment");
    if (area && area.value) state.comment = area.value;
    var withComplaint = false;
    if (state.overall !== null && !state.sent) {
      state.sent = true;
      var body = buildBody(complete);
      withComplaint = !!body.complaint;
      enqueue(body);
    }
    if (area) area.blur();
    clearComplaintInputs();  // the phone number does not stay on the screen
    var thanksCx = $('[data-testid="thanks-complaint"]');
    if (thanksCx) thanksCx.hidden = !withComplaint;
    if (complete) {
      show("thanks");
      startThanksBar();
      clearTimeout(thanksTimer);
      thanksTimer = setTimeout(resetForNext, THANKS_MS);
    } else {
      resetForNext();
    }
  }

  function startThanksBar() {
    var bar = $('[data-role="bar"]');
    if (!bar) return;
    bar.classList.remove("is-running");
    void bar.offsetWidth; // restart the animation
    bar.style.animationDuration = THANKS_MS + "ms"; // CSSOM, allowed by the CSP
    bar.classList.add("is-running");
  }

  function resetForNext() {
    clearTimeout(thanksTimer);
    thanksTimer = null;
    state = freshState("vi");
    var area = $("#comment");
    if (area) { area.value = ""; area.blur(); }
    clearComplaintInputs();
    renderComplaint();
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    lastTouch = Date.now();
    applyLanguage();
    show("welcome");
    pollState();
  }

  function buildBody(complete) {
    var body = {
      id: newId(),
      channel: "kiosk",
      questionnaire: QN.id,
      questionnaire_version: QN.version,
      overall: state.overall,
      answers: {},
      complete: !!complete,
      created_at: isoLocal(state.createdAt || new Date()),
      duration_ms: Math.max(0, Date.now() - state.startedMs)
    };
    var answers = known();
    Object.keys(state.answers).forEach(function (qid) {
      var q = question(qid), value = state.answers[qid];
      if (!q || value === undefined || value === null) return;
      if (!holds(q.when, answers)) return; // e.g. reasons chosen, then the rating was different
      if (Array.isArray(value)) { if (!value.length) return; value = value.slice(); }
      if (q.type === "rating") value = parseInt(value, 10);
      body.answers[qid] = value;
    });
    var comment = (state.comment || "").trim();
    if (comment) body.comment = comment;
    if (state.receipt) body.receipt = state.receipt;
    var cx = complaintBody(false).complaint;
    if (cx) body.complaint = cx;
    return body;
  }

  // ---- ids and times ---------------------------------------------------------------------
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* not a secure context */ }
    }
    var b = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function pad(n, w) { n = String(n); while (n.length < (w || 2)) n = "0" + n; return n; }
  function isoLocal(d) {
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      "." + pad(d.getMilliseconds(), 3) + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  // ---- offline queue -----------------------------------------------------------------------
  var memory = {};  // used only if localStorage is unavailable or full
  function readList(key) {
    try {
      var raw = window.localStorage.getItem(key);
      if (raw !== null) {
        var list = JSON.parse(raw);
        if (Array.isArray(list)) return list;
      }
    } catch (e) { /* fall back to memory */ }
    return (memory[key] || []).slice();
  }
  function writeList(key, list) {
    memory[key] = list.slice();
    try { window.localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* kept in memory */ }
  }
  function enqueue(body) {
    var list = readList(QUEUE_KEY);
    list.push({ id: body.id, body: body, queued_at: new Date().toISOString(), tries: 0 });
    writeList(QUEUE_KEY, list);
    renderQueue();
    backoff = 0;
    flush();
  }
  function removeFromQueue(id) {
    writeList(QUEUE_KEY, readList(QUEUE_KEY).filter(function (item) { return item.id !== id; }));
  }
  function reject(item, status, error) {
    var rejected = readList(REJECTED_KEY);
    rejected.push({ id: item.id, body: item.body, status: status, error: error || null, at: new Date().toISOString() });
    writeList(REJECTED_KEY, rejected);
    removeFromQueue(item.id);
    if (window.console) console.warn("Hài lòng: response rejected by the server", status, error);
  }

  var sending = false, again = false, backoff = 0, retryTimer = null, failing = false;

  function flush() {
    if (sending) { again = true; return; }
    clearTimeout(retryTimer);
    retryTimer = null;
    var list = readList(QUEUE_KEY);
    if (!list.length) { failing = false; renderQueue(); return; }
    sending = true;
    again = false;
    sendOne(list[0]).then(function (outcome) {
      sending = false;
      if (outcome === "retry") {
        failing = true;
        backoff = backoff ? Math.min(backoff * 2, BACKOFF_MAX) : BACKOFF_MIN;
        retryTimer = setTimeout(flush, backoff);
        renderQueue();
        return;
      }
      failing = false;
      backoff = 0;
      renderQueue();
      flush();
    });
  }

  function sendOne(item) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS) : null;
    item.tries = (item.tries || 0) + 1;
    return fetch(SETTINGS.api_url || "/api/v1/responses", {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Kiosk-Request": "1", "Accept": "application/json" },
      body: JSON.stringify(item.body),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      clearTimeout(timer);
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { status: res.status, json: json };
      });
    }).then(function (r) {
      var error = r.json && r.json.error;
      if (item.body.receipt && error &&
          ((r.status === 409 && error.code === "receipt_used") ||
           (r.status === 400 && error.code === "invalid_receipt"))) {
        // The dossier was rated elsewhere first, or its code expired: nothing was stored.
        // Keep the citizen's rating all the same, sent again without the dossier.
        unbind(item);
        return "retry";
      }
      if (r.status === 201 || r.status === 200 || r.status === 409) {
        removeFromQueue(item.id);
        if (notEnrolled && DATA.enrolled) setNotEnrolled(false);
        return "done";
      }
      if (r.status === 400 || r.status === 413 || r.status === 422) {
        reject(item, r.status, error);
        return "done";
      }
      if ((r.status === 401 || r.status === 403) && error && error.code === "not_enrolled") {
        setNotEnrolled(true);
      }
      return "retry";
    }).catch(function () {
      clearTimeout(timer);
      return "retry";
    });
  }

  function unbind(item) {
    var queue = readList(QUEUE_KEY);
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].id === item.id) delete queue[i].body.receipt;
    }
    writeList(QUEUE_KEY, queue);
    delete item.body.receipt;
  }

  function renderQueue() {
    var box = $('[data-testid="queue-indicator"]');
    if (!box) return;
    var n = readList(QUEUE_KEY).length;
    var oldest = n ? Date.parse(readList(QUEUE_KEY)[0].queued_at) : 0;
    // A response normally leaves within a second; only show the count when it lingers.
    var lingering = n > 0 && (failing || Date.now() - oldest > 3000);
    $('[data-testid="queue-count"]', box).textContent = String(n);
    box.title = t("queue_title", { n: n });
    box.setAttribute("aria-label", t("queue_title", { n: n }));
    box.setAttribute("data-rejected", String(readList(REJECTED_KEY).length));
    box.hidden = !lingering;
    var kept = $('[data-testid="queue-kept"]');
    if (kept) kept.hidden = n === 0;
  }

  function setNotEnrolled(flag) {
    if (notEnrolled === flag) return;
    notEnrolled = flag;
    document.body.classList.toggle("is-not-enrolled", flag);
    if (state.screen === "welcome" || state.screen === "not-enrolled") show("welcome");
  }

  // ---- dossier binding: which receipt is being returned at this counter ---------------------
  var polling = false;
  function pollState() {
    if (polling || !SETTINGS.state_url || !DATA.enrolled || state.screen !== "welcome" || document.hidden) return;
    polling = true;
    fetch(SETTINGS.state_url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Kiosk-Request": "1", "Accept": "application/json" }
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (json) { return { status: res.status, json: json }; });
    }).then(function (r) {
      polling = false;
      if (r.status === 200 && r.json) {
        setBinding(r.json.receipt || null, r.json.procedure_name || null);
      } else {
        setBinding(null, null);
      }
    }).catch(function () {
      polling = false;
      setBinding(null, null);
    });
  }
  function setBinding(receipt, name) {
    if (state.screen !== "welcome") return; // the citizen already tapped: keep what they saw
    binding = { receipt: typeof receipt === "string" ? receipt : null, procedure_name: typeof name === "string" ? name : null };
    renderProcedure();
  }
  function renderProcedure() {
    var box = $('[data-testid="procedure"]');
    if (!box) return;
    var name = binding.receipt ? binding.procedure_name : null;
    box.hidden = !name;
    $('[data-testid="procedure-name"]', box).textContent = name || "";
  }

  // ---- idle: never leave a half-filled screen for the next person -------------------------
  function touched() { lastTouch = Date.now(); }
  function checkIdle() {
    if (Date.now() - lastTouch < IDLE_MS) return;
    if (state.screen === "welcome" || state.screen === "not-enrolled") {
      if (state.lang !== "vi") resetForNext();
      return;
    }
    if (state.screen === "thanks") return; // has its own timer
    finish(false);
  }

  // ---- wiring ------------------------------------------------------------------------------
  function onClick(event) {
    var target = event.target.closest ? event.target.closest("button, a") : null;
    if (!target) return;
    if (target.classList.contains("lang-btn")) { setLanguage(target.getAttribute("data-lang")); return; }
    if (target.hasAttribute("data-rating") && state.screen === "welcome") {
      rate(parseInt(target.getAttribute("data-rating"), 10), target);
      return;
    }
    if (target.hasAttribute("data-reason") && state.screen === "reasons") {
      toggleReason(target.getAttribute("data-reason"), target);
      return;
    }
    if (target.hasAttribute("data-answer") && state.screen === "quick") {
      answerQuick(target.getAttribute("data-answer"), target);
      return;
    }
    if (target.hasAttribute("data-cx") && state.screen === "comment") {
      onComplaintTap(target);
      return;
    }
    var action = target.getAttribute("data-action");
    if (action === "skip") skip();
    else if (action === "next") next();
    else if (action === "send") send();
  }

  function start() {
    document.addEventListener("click", onClick);
    ["pointerdown", "touchstart", "keydown", "input", "wheel"].forEach(function (type) {
      document.addEventListener(type, touched, { capture: true, passive: true });
    });
    document.addEventListener("contextmenu", function (e) {
      if (!(e.target && (e.target.id === "comment" || e.target.id === "cx-phone"))) e.preventDefault();
    });
    var area = $("#comment");
    if (area) area.addEventListener("input", renderCounter);
    // the message about the phone number goes as soon as the citizen fixes it
    ["#cx-phone", "#cx-consent"].forEach(function (sel) {
      var node = $(sel);
      if (node) node.addEventListener(sel === "#cx-phone" ? "input" : "change", function () {
        if (state.complaint.problem) { state.complaint.problem = null; renderComplaint(); }
      });
    });
    window.addEventListener("online", function () { backoff = 0; flush(); });
    window.addEventListener("storage", function (e) { if (e.key === QUEUE_KEY) renderQueue(); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { pollState(); flush(); } });
    setInterval(checkIdle, 500);
    setInterval(pollState, POLL_MS);
    setInterval(renderQueue, 2000);
    applyLanguage();
    show("welcome");
    pollState();
    flush();
  }

  // For tests and staff diagnostics: read-only views of the queue, no citizen data shown.
  window.hailong = {
    queue: function () { return readList(QUEUE_KEY); },
    rejected: function () { return readList(REJECTED_KEY); },
    flush: function () { backoff = 0; flush(); },
    state: function () { return { screen: state.screen, lang: state.lang, notEnrolled: notEnrolled }; }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
