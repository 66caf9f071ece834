"""Questionnaires: versioned data files, their dataclasses, validation and form building.

Imports no web framework (``forms.build_form`` imports Flask-WTF only when called), so
``analysis`` and scripts can read questionnaires without Flask.
"""
from .loader import QuestionnaireError, available, load, loads
from .model import SCALES, YES_NO, Question, Questionnaire, satisfied_values, scale_label
from .validate import clean_answers

__all__ = [
    "QuestionnaireError", "available", "load", "loads", "SCALES", "YES_NO", "Question",
    "Questionnaire", "satisfied_values", "scale_label", "clean_answers",
]
