"""How the synthetic citizens of ``demo-data`` behave: procedures, officers and counters
"(mẫu)", opening-hour traffic, satisfaction that varies by procedure, officer, hour and
season with a few unhappy streaks, and the follow-up answers people really give.

Pure generation from a random generator; ``kiosk.domain.demo`` writes the rows.
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from kiosk.clock import LOCAL_TZ, iso, local_fields
from kiosk.domain.complaints import DUE_WORKING_DAYS
from kiosk.domain.workdays import DEFAULT_HOLIDAYS, add_working_days, parse_holidays
from kiosk.store import canonical_hash

# (code, name, field, effect on the chance of a satisfied rating)
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", +0.04),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", +0.05),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", +0.02),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 0.0),
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", +0.03),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", +0.05),
    ("2.000884", "Chứng thực chữ ký", "Chứng thực", +0.03),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh", -0.06),
    ("1.001699", "Xác nhận khuyết tật", "Bảo trợ xã hội", -0.04),
    ("1.001731", "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội", -0.03),
    ("1.012812", "Hòa giải tranh chấp đất đai", "Đất đai", -0.15),
]
PROCEDURE_WEIGHTS = [22, 6, 4, 8, 10, 30, 10, 3, 2, 2, 3]
# (name, counter, effect)
OFFICERS = [
    ("Nguyễn Thị Lan (mẫu)", "Quầy 1 (mẫu)", +0.05),
    ("Trần Văn Minh (mẫu)", "Quầy 1 (mẫu)", 0.0),
    ("Lê Thị Hoa (mẫu)", "Quầy 2 (mẫu)", +0.02),
    ("Phạm Văn Đức (mẫu)", "Quầy 2 (mẫu)", -0.08),
    ("Hoàng Thị Thu (mẫu)", "Quầy 3 (mẫu)", +0.01),
    ("Vũ Văn Nam (mẫu)", "Quầy 3 (mẫu)", -0.03),
]
COUNTERS = sorted({c for _, c, _ in OFFICERS})
# Reasons a citizen picks after a low rating, weighted; the weights shift with the cause.
REASONS = {"procedure": ["papers", "fees", "rules"], "officer": ["attitude", "guidance"],
           "place": ["waiting", "facilities"], "other": ["other"]}
COMMENTS = ["Cán bộ nhiệt tình, hướng dẫn chu đáo.", "Phải chờ khá lâu.",
            "Giấy tờ yêu cầu hơi nhiều.", "Nên có thêm ghế ngồi chờ.", "Cảm ơn cán bộ."]
# Seasonal effect by month: the weeks before and after Tết are crowded.
SEASON = {1: -0.06, 2: -0.08, 3: -0.02, 7: -0.02, 8: -0.03, 12: -0.04}
HOURS = [7, 8, 9, 10, 11, 13, 14, 15, 16, 17]
HOUR_WEIGHTS = [4, 10, 14, 14, 9, 6, 11, 12, 9, 3]
_HOUR_CUM = list(accumulate(HOUR_WEIGHTS))
_PROC_CUM = list(accumulate(PROCEDURE_WEIGHTS))

def unhappy_streaks(rng, start: date, days: int) -> list[tuple[date, date, str, float]]:
    """A few spells (one to two weeks) when one officer's ratings sag: illness, a new rule,
    a broken queue machine. The dashboard should make them visible."""
    out = []
    for _ in range(max(1, days // 60)):
        first = start + timedelta(days=rng.randrange(days))
        officer = rng.choice(OFFICERS)[0]
        out.append((first, first + timedelta(days=rng.randint(7, 14)), officer, -0.25))
    return out


def traffic(rng, start: date, days: int, total: int):
    """``total`` local moments in time order: working days (a few Saturday mornings), busier
    in the weeks around Tết, office hours with a morning and an afternoon peak, and a few
    outside opening hours (flagged ``hours``). In time order, as a real kiosk fills the
    table, which also keeps index inserts local and fast."""
    weights = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        w = 1.0 if day.weekday() < 5 else (0.3 if day.weekday() == 5 else 0.0)
        weights.append(w * (1.3 if day.month in (1, 2, 12) else 1.0))
    scale = total / (sum(weights) or 1.0)
    cumulative, given = 0.0, 0
    for offset, w in enumerate(weights):
        cumulative += w * scale
        count = total - given if offset == days - 1 else round(cumulative) - given
        given += count
        day = start + timedelta(days=offset)
        stamps = []
        for _ in range(count):
            outside = rng.random() < 0.004
            hour = rng.choice([6, 18, 19]) if outside else rng.choices(HOURS, cum_weights=_HOUR_CUM)[0]
            stamps.append((hour * 3600 + rng.randrange(3600), rng.randrange(1000), outside))
        stamps.sort()
        base = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
        for seconds, millis, outside in stamps:
            yield base + timedelta(seconds=seconds, milliseconds=millis), outside


@lru_cache(maxsize=4096)
def _local_fields(hour_start: datetime) -> dict:
    """clock.local_fields, once per hour of the period (they only depend on the hour)."""
    return local_fields(hour_start)


def one_response(rng, moment, outside, streaks, receipt_no, number, effect=0.0):
    i = rng.choices(range(len(PROCEDURES)), cum_weights=_PROC_CUM)[0]
    code, _, field, proc_effect = PROCEDURES[i]
    officer, counter, officer_effect = rng.choice(OFFICERS)
    day = moment.date()
    streak = sum(e for a, b, o, e in streaks if o == officer and a <= day <= b)
    hour_effect = -0.05 if moment.hour >= 16 else (-0.02 if moment.hour == 11 else 0.0)
    p = 0.86 + effect + proc_effect + officer_effect + hour_effect + SEASON.get(moment.month, 0.0) + streak
    p = min(0.99, max(0.05, p))
    happy = rng.random() < p
    overall = (5 if rng.random() < 0.6 else 4) if happy else rng.choices([3, 2, 1], [55, 30, 15])[0]
    channel = "kiosk" if rng.random() < 0.7 else "phone"
    with_receipt = channel == "phone" or rng.random() < 0.5
    complete = 0 if channel == "kiosk" and rng.random() < 0.03 else 1
    answers = {"overall": overall}
    if complete:
        cause = "procedure" if proc_effect < 0 else ("officer" if officer_effect + streak < 0 else None)
        _follow_ups(rng, answers, channel, overall, cause, code)
    flags = []
    if outside:
        flags.append("hours")
    if rng.random() < 0.004:
        flags.append("burst")
    if rng.random() < 0.002:
        flags.append("cooldown")
    rated = moment.astimezone(UTC)
    submitted = rated + timedelta(seconds=rng.randint(1, 30))
    # Random UUIDs, but with the insertion number in the top bits so the primary key
    # index grows at its end (a million random keys would thrash the page cache).
    rid = str(uuid.UUID(int=(number << 80) | rng.getrandbits(80), version=4))
    receipt = dossier = None
    if with_receipt:
        receipt, dossier = f"DEMO-{receipt_no:08d}", f"DEMO-HS-{receipt_no:08d}"
    comment = rng.choice(COMMENTS) if rng.random() < 0.02 else None
    created = moment.isoformat(timespec="milliseconds")
    body = {"id": rid, "channel": channel, "overall": overall, "n_answers": len(answers),
            "receipt": receipt, "created_at": created, "demo": True}
    record = {
        "id": rid, "questionnaire": "counter" if channel == "kiosk" else "phone",
        "questionnaire_version": 1 if channel == "kiosk" else 2, "channel": channel, "overall": overall, "scale": 5,
        "comment": comment, "complete": complete, "created_at": created,
        "submitted_at": iso(submitted), "rated_at": iso(rated),
        **_local_fields(rated.replace(minute=0, second=0, microsecond=0)),
        "kiosk": f"Máy mẫu {counter[5]}" if channel == "kiosk" else None,
        "counter": counter if channel == "kiosk" or receipt else None, "receipt": receipt,
        "dossier_code": dossier, "procedure_code": code if receipt or rng.random() < 0.6 else None,
        "field": None, "officer": officer if receipt or rng.random() < 0.6 else None,
        "duration_ms": rng.randint(1500, 60000) if channel == "kiosk" else rng.randint(20000, 300000),
        "flags": " ".join(flags), "demo": 1, "body_hash": canonical_hash(body),
    }
    if record["procedure_code"]:
        record["field"] = field
    receipt_row = None
    if receipt:
        received = day - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 7]))
        late = rng.random() < 0.06
        appointment = day - timedelta(days=rng.randint(1, 4)) if late else day + timedelta(days=rng.randint(0, 2))
        receipt_row = {"code": receipt, "dossier_code": dossier, "procedure_code": code,
                       "officer": officer, "counter": counter, "received_date": received.isoformat(),
                       "appointment_date": appointment.isoformat(),
                       "issued_at": f"{received.isoformat()}T01:30:00.000Z",
                       "issued_by": "demo", "returned_at": iso(rated - timedelta(minutes=1)),
                       "expires_at": f"{(day + timedelta(days=30)).isoformat()}T10:00:00.000Z",
                       "used_at": record["submitted_at"],
                       "response_id": rid}
    return record, answers, receipt_row


def _follow_ups(rng, answers, channel, overall, cause, code) -> None:
    """The optional questions after the main rating, answered as people really do: the
    counter's quick questions now and then, the phone form more fully."""
    low = overall <= 3
    if low and rng.random() < 0.75:
        groups = list(REASONS)
        weights = [3, 2, 3, 1]
        if cause:
            weights[groups.index(cause)] += 4
        picked = {rng.choice(REASONS[g]) for g in rng.choices(groups, weights, k=rng.choice([1, 1, 2]))}
        answers["reasons"] = sorted(picked)
    ask = 0.35 if channel == "kiosk" else 0.85

    def maybe(qid, value):
        if rng.random() < ask:
            answers[qid] = value

    maybe("on_time", "no" if rng.random() < (0.25 if low else 0.04) else "yes")
    maybe("resubmitted", "yes" if rng.random() < (0.35 if low else 0.10) else "no")
    maybe("visits", rng.choices(["none", "once", "more"], [2, 3, 3] if low else [12, 3, 1])[0])
    if channel == "kiosk":
        return

    def rating(good: bool) -> int:
        return (5 if rng.random() < 0.55 else 4) if good else rng.choices([3, 2, 1], [5, 3, 1])[0]

    maybe("staff", rating(rng.random() < (0.75 if cause == "officer" else 0.93 if not low else 0.6)))
    maybe("access", rating(rng.random() < (0.8 if not low else 0.5)))
    maybe("service_result", rating(rng.random() < (0.9 if not low else 0.55)))
    maybe("posted", "yes" if rng.random() < 0.9 else "no")
    maybe("agencies", "one_stop" if rng.random() < 0.85 else "several")
    spot = 0.45 if code.startswith("2.000") else 0.08
    maybe("on_the_spot", "yes" if rng.random() < spot else "no")
    if rng.random() < ask:
        online = rng.random() < 0.3
        answers["online_used"] = "yes" if online else "no"
        if online and rng.random() < 0.9:
            answers["online_rating"] = rng.choices([5, 4, 3, 2, 1], [38, 40, 10, 8, 4])[0]


def unrated_receipt(rng, moment, receipt_no) -> dict:
    code, _, _, _ = PROCEDURES[rng.choices(range(len(PROCEDURES)), cum_weights=_PROC_CUM)[0]]
    officer, counter, _ = rng.choice(OFFICERS)
    day, at = moment.date(), moment.astimezone(UTC)
    return {"code": f"DEMO-{receipt_no:08d}", "dossier_code": f"DEMO-HS-{receipt_no:08d}",
            "procedure_code": code, "officer": officer, "counter": counter,
            "received_date": (day - timedelta(days=rng.randint(0, 5))).isoformat(),
            "appointment_date": (day + timedelta(days=rng.choice([-2, 0, 0, 1, 2]))).isoformat(),
            "issued_at": iso(at - timedelta(minutes=5)), "issued_by": "demo",
            "returned_at": iso(at), "expires_at": iso(at + timedelta(days=30)),
            "used_at": None, "response_id": None}


MAX_COMPLAINTS = 2000


def complaint_row(rng, record, answers, today: date) -> dict:
    """A complaint tied to a low rating: most answered on time, some late, some open."""
    received = date.fromisoformat(record["local_date"])
    due = add_working_days(received, DUE_WORKING_DAYS, parse_holidays(DEFAULT_HOLIDAYS))
    outcome = rng.choices(["on_time", "late", "not_accepted", "open"], [75, 10, 5, 10])[0]
    answered = None
    if outcome == "on_time" or outcome == "not_accepted":
        answered = received + timedelta(days=rng.randint(1, 20))
    elif outcome == "late":
        answered = due + timedelta(days=rng.randint(1, 10))
    if answered and answered > today:
        answered, outcome = None, "open"
    reasons = answers.get("reasons") or ["other"]
    topic = next((g for g, vs in REASONS.items() if reasons[0] in vs), "other")
    return {
        "response_id": record["id"], "receipt": record["receipt"], "topic": topic,
        "text": "Phản ánh mẫu (dữ liệu demo).",
        "status": {"on_time": "answered", "late": "answered", "not_accepted": "not_accepted",
                   "open": "in_progress"}[outcome],
        "received_at": record["rated_at"], "received_date": received.isoformat(),
        "due_date": due.isoformat(),
        "reply": "Trả lời mẫu." if answered and outcome != "not_accepted" else None,
        "answered_at": answered and f"{answered.isoformat()}T03:00:00.000Z",
        "answered_date": answered and answered.isoformat(),
        "not_accepted_reason": "Không thuộc thẩm quyền (mẫu)." if outcome == "not_accepted" else None,
        "flags": "", "demo": 1,
    }

