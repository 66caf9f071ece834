"""The pure packages stay pure: analysis and survey_forms import without Flask."""
import subprocess
import sys

from tests.helpers import ROOT


def test_analysis_and_survey_forms_import_without_flask():
    code = ("import sys, analysis, survey_forms; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'kiosk', 'werkzeug')]; "
            "assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
