"""Reading and writing the interchange files of METHOD.md §11.

Readers turn the responses, roster, evaluation and previous-results files into what the scoring
engine consumes (`SurveyData`, evaluation levels, the previous results document); writers turn a
results document into a workbook. Every reader validates each row and reports every problem with
its file, row and column before anything is used.
"""

from budaya.interchange.ages import age_band
from budaya.interchange.errors import InputError, Problems
from budaya.interchange.evaluation import read_evaluation
from budaya.interchange.nip import NipError, check_nip
from budaya.interchange.previous import read_previous
from budaya.interchange.responses import Responses, encode_picks, read_responses
from budaya.interchange.roster import Roster, read_roster
from budaya.interchange.survey import build_survey_data

__all__ = [
    "InputError",
    "Problems",
    "Responses",
    "Roster",
    "NipError",
    "age_band",
    "check_nip",
    "build_survey_data",
    "encode_picks",
    "read_evaluation",
    "read_previous",
    "read_responses",
    "read_roster",
]
