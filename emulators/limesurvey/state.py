"""What the emulated LimeSurvey installation holds: users, session keys, surveys with their questions,
participants tables (``tokens_<sid>``) and responses (``survey_<sid>``), and the e-mails it sent.

Rows are kept as LimeSurvey keeps them: a participant has ``tid``, ``token``, ``firstname``, ``lastname``,
``email``, ``emailstatus``, ``language``, ``sent``/``remindersent`` ("N" or "Y-m-d H:i"), ``remindercount``,
``completed`` ("N" or "Y-m-d H:i") and ``attribute_N``; a response has ``id``, ``submitdate``,
``lastpage``, ``startlanguage``, ``seed``, ``token`` (only when the survey is not anonymised) and one
column per question code. One lock guards everything (the HTTP server answers requests in threads).
"""

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

SESSION_SECONDS = 7200  # LimeSurvey's default iSessionExpirationTime
TOKEN_COLUMNS = (
    "tid",
    "participant_id",
    "firstname",
    "lastname",
    "email",
    "emailstatus",
    "token",
    "language",
    "blacklisted",
    "sent",
    "remindersent",
    "remindercount",
    "completed",
    "usesleft",
    "validfrom",
    "validuntil",
)
RESPONSE_COLUMNS = (
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
)


def server_now():
    """The installation's local time, as LimeSurvey writes its dates: in the server's time zone (PHP's
    date.timezone, with $config['timeadjust']), without a zone. The emulated installation is a Finnish
    organisation's, in LIMESURVEY_TIMEZONE, else PIIRI_TIMEZONE, else Europe/Helsinki; not the clock of
    the machine it runs on (UTC here, where a response sent at 00:10 in Helsinki was dated the day
    before, and a late application counted as on time)."""
    zone = os.environ.get("LIMESURVEY_TIMEZONE") or os.environ.get("PIIRI_TIMEZONE") or "Europe/Helsinki"
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None)


def stamp(moment=None):
    """LimeSurvey's "Y-m-d H:i" of sent/remindersent/completed."""
    return (moment or server_now()).strftime("%Y-%m-%d %H:%M")


def full_stamp(moment=None):
    """LimeSurvey's "Y-m-d H:i:s" of submitdate."""
    return (moment or server_now()).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Question:
    qid: int
    code: str  # LimeSurvey's question "title": the response column's code
    text: str
    type: str = "S"  # S short text, D date, L list, T long text


@dataclass
class Survey:
    sid: int
    title: str
    language: str = "fi"
    active: str = "Y"
    anonymized: str = "N"
    owner: str = "admin"
    questions: list[Question] = field(default_factory=list)
    tokens: dict[int, dict] | None = None  # None: no participants table (activate_tokens makes one)
    attribute_fields: list[str] = field(default_factory=list)
    responses: dict[int, dict] = field(default_factory=dict)
    next_tid: int = 1
    next_response_id: int = 1

    def question_columns(self):
        return [question.code for question in self.questions]

    def token_columns(self):
        return [*TOKEN_COLUMNS, *self.attribute_fields]


@dataclass
class Mail:
    sid: int
    tid: int
    email: str
    kind: str  # invite | remind | register
    at: str


class Installation:
    """One LimeSurvey installation in memory."""

    def __init__(self, users=None, session_seconds=SESSION_SECONDS):
        self.lock = threading.RLock()
        self.users = dict(users or {"admin": "password"})
        self.session_seconds = session_seconds
        self.sessions: dict[str, tuple[str, float]] = {}
        self.surveys: dict[int, Survey] = {}
        self.mails: list[Mail] = []
        self.calls: list[str] = []  # method names in the order they were called (tests count batches)
        self.max_emails = 50  # maxemails: mails sent per invite/remind call
        self.expire_next_keys = 0  # tests: this many of the next keys expire before their first use

    # Sessions -------------------------------------------------------------------------------------

    def open_session(self, username, password):
        with self.lock:
            if self.users.get(str(username)) != str(password) or not username:
                return None
            key = secrets.token_urlsafe(24)[:32]
            lifetime = self.session_seconds
            if self.expire_next_keys > 0:
                self.expire_next_keys -= 1
                lifetime = -1
            self.sessions[key] = (str(username), time.monotonic() + lifetime)
            return key

    def user_of(self, key):
        """The user of a live session key, or None (unknown or expired)."""
        with self.lock:
            found = self.sessions.get(key) if isinstance(key, str) else None
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self.sessions[key]
                return None
            return found[0]

    def release(self, key):
        with self.lock:
            self.sessions.pop(key, None)

    def expire_sessions(self):
        """Every open key stops working (tests of an expired session key)."""
        with self.lock:
            self.sessions.clear()

    # Surveys ---------------------------------------------------------------------------------------

    def add_survey(
        self, sid, title, *, language="fi", anonymized=False, questions=(), tokens=True, attributes=0
    ):
        """A survey as an administrator would set it up; ``questions`` as (code, text[, type])."""
        with self.lock:
            survey = Survey(
                sid=int(sid),
                title=title,
                language=language,
                anonymized="Y" if anonymized else "N",
                questions=[
                    Question(
                        qid=index + 1, code=item[0], text=item[1], type=item[2] if len(item) > 2 else "S"
                    )
                    for index, item in enumerate(questions)
                ],
            )
            if tokens:
                survey.tokens = {}
                survey.attribute_fields = [f"attribute_{n}" for n in range(1, attributes + 1)]
            self.surveys[survey.sid] = survey
            return survey

    def survey(self, sid):
        try:
            return self.surveys.get(int(sid))
        except (TypeError, ValueError):
            return None

    def delete_survey(self, sid):
        with self.lock:
            self.surveys.pop(int(sid), None)

    # Participants and responses ---------------------------------------------------------------------

    def new_token(self, survey, data, create_token):
        row = {name: None for name in survey.token_columns()}
        row.update(
            {
                "emailstatus": "OK",
                "blacklisted": "N",
                "sent": "N",
                "remindersent": "N",
                "remindercount": 0,
                "completed": "N",
                "usesleft": 1,
                "language": survey.language,
            }
        )
        row.update({key: value for key, value in data.items() if key in row and key != "tid"})
        row["tid"] = survey.next_tid
        survey.next_tid += 1
        if create_token and not row.get("token"):
            row["token"] = secrets.token_urlsafe(12)[:15]
        survey.tokens[row["tid"]] = row
        return row

    def submit_response(self, sid, answers, token=None, complete=True, language=None):
        """A participant (or an anonymous visitor) fills in the survey: the response's id. With a known
        token the participant is marked completed (and used up)."""
        with self.lock:
            survey = self.surveys[int(sid)]
            response = {
                "id": survey.next_response_id,
                "submitdate": full_stamp() if complete else None,
                "lastpage": 1,
                "startlanguage": language or survey.language,
                "seed": str(secrets.randbelow(10**9)),
                "startdate": full_stamp(),
                "datestamp": full_stamp(),
            }
            if survey.anonymized == "N":
                response["token"] = token
            for code in survey.question_columns():
                response[code] = answers.get(code)
            survey.responses[response["id"]] = response
            survey.next_response_id += 1
            if token and survey.tokens is not None and complete:
                for row in survey.tokens.values():
                    if row["token"] == token:
                        row["completed"] = stamp()
                        row["usesleft"] = max(0, int(row["usesleft"] or 0) - 1)
            return response["id"]
