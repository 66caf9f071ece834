"""Every Vietnamese text the staff and citizens can see has an English translation."""
import re
import tomllib

from tests.helpers import ROOT

CALL = re.compile(r"""\b_\(\s*(["'])((?:(?!\1).)+)\1""")


def visible_texts():
    found = {}
    templates = ROOT / "kiosk" / "web" / "templates"
    sources = list((ROOT / "kiosk").rglob("*.py")) + list(templates.rglob("*.html"))
    for path in sources:
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), path.relative_to(ROOT))
    return found


def test_every_text_has_an_english_translation():
    catalog = tomllib.loads((ROOT / "kiosk" / "web" / "translations" / "en.toml").read_text(encoding="utf-8"))
    missing = {text: str(where) for text, where in visible_texts().items() if text not in catalog}
    assert not missing, "add to kiosk/translations/en.toml:\n" + "\n".join(
        f'"{t}" = ""  # {w}' for t, w in missing.items())


def test_translations_are_not_left_empty():
    catalog = tomllib.loads((ROOT / "kiosk" / "web" / "translations" / "en.toml").read_text(encoding="utf-8"))
    assert all(v.strip() for v in catalog.values())
