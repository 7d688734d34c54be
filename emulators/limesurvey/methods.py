"""The RemoteControl 2 methods as LimeSurvey 6 answers them (application/helpers/remotecontrol/
remotecontrol_handle.php): the same names, parameter order, defaults, result shapes and status strings.

Every method but ``get_session_key`` takes the session key first; an unknown or expired key answers
``{"status": "Invalid session key"}`` (the capitalisation varies by method, as in LimeSurvey). Failures
are results, not JSON-RPC errors: ``{"status": "Error: Invalid survey ID"}``, ``{"status": "No survey
participants found."}``, ``{"status": "Error: No candidate tokens"}``, ``{"status": "No permission"}``.
"""

import base64
import csv
import io
import json
import re
from datetime import timedelta

from emulators.limesurvey.state import Mail, server_now, stamp

INVALID_KEY = {"status": "Invalid session key"}
INVALID_KEY_CAPS = {"status": "Invalid Session Key"}  # list/get/set/delete participants say it this way
INVALID_SURVEY = {"status": "Error: Invalid survey ID"}
NO_PERMISSION = {"status": "No permission"}
NO_TOKEN_TABLE = {"status": "Error: No survey participants table"}
NO_CANDIDATES = {"status": "Error: No candidate tokens"}
# php_filter_validate_email in spirit: one @, a dotted domain, no spaces.
EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")
EXPORT_TYPES = ("json", "csv")


class Methods:
    """The methods of one installation; ``call(name, params)`` answers what LimeSurvey would."""

    def __init__(self, installation):
        self.lsi = installation

    def call(self, method, params):
        handler = getattr(self, f"rpc_{method}", None) if isinstance(method, str) else None
        if handler is None or not isinstance(params, list):
            raise UnknownMethod(method)
        try:
            with self.lsi.lock:
                self.lsi.calls.append(method)
                return handler(*params)
        except TypeError:  # too many or too few parameters for the method
            raise UnknownMethod(method) from None

    # Sessions -------------------------------------------------------------------------------------

    def rpc_get_session_key(self, username, password, plugin="Authdb"):
        key = self.lsi.open_session(username, password)
        return key if key else {"status": "Invalid user name or password"}

    def rpc_release_session_key(self, key):
        self.lsi.release(key)
        return "OK"

    def rpc_get_site_settings(self, key, name):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        settings = {
            "versionnumber": "6.6.0",
            "dbversionnumber": 624,
            "defaultlang": "fi",
            "sitename": "Piiri",
        }
        return settings.get(name, {"status": "Invalid setting"})

    # Surveys --------------------------------------------------------------------------------------

    def rpc_list_surveys(self, key, username=None, survey_group_id=None):
        user = self.lsi.user_of(key)
        if not user:
            return INVALID_KEY
        if username is not None and username not in self.lsi.users:
            return {"status": "Invalid user"}
        owner = username or None
        found = [s for s in self.lsi.surveys.values() if owner is None or s.owner == owner]
        if not found:
            return {"status": "No surveys found"}
        return [
            {"sid": s.sid, "surveyls_title": s.title, "startdate": None, "expires": None, "active": s.active}
            for s in sorted(found, key=lambda s: s.sid)
        ]

    def rpc_get_survey_properties(self, key, sid, settings=None):
        if not self.lsi.user_of(key):
            return {"status": "Invalid Session key"}
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        everything = {
            "sid": survey.sid,
            "owner_id": 1,
            "active": survey.active,
            "anonymized": survey.anonymized,
            "language": survey.language,
            "additional_languages": "",
            "datestamp": "Y",
            "tokenlength": 15,
        }
        if settings:
            chosen = {name: everything[name] for name in settings if name in everything}
            return chosen or {"status": "No valid Data"}
        return everything

    def rpc_delete_survey(self, key, sid):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        if self.lsi.survey(sid) is None:
            return NO_PERMISSION  # LimeSurvey checks the permission on a survey it cannot find
        self.lsi.delete_survey(sid)
        return {"status": "OK"}

    def rpc_list_questions(self, key, sid, group_id=None, language=None):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        if language is not None and language != survey.language:
            return {"status": "Error: Invalid language"}
        if not survey.questions:
            return {"status": "No questions found"}
        return [
            {
                "id": q.qid,
                "qid": q.qid,
                "parent_qid": 0,
                "sid": survey.sid,
                "gid": 1,
                "type": q.type,
                "title": q.code,
                "question": q.text,
                "help": "",
                "language": survey.language,
                "question_order": q.qid,
            }
            for q in survey.questions
        ]

    def rpc_get_summary(self, key, sid, stat_name="all"):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        tokens = list((survey.tokens or {}).values())
        complete = sum(1 for r in survey.responses.values() if r["submitdate"])
        stats = {
            "token_count": len(tokens),
            "token_invalid": 0,
            "token_sent": sum(1 for t in tokens if t["sent"] != "N"),
            "token_opted_out": 0,
            "token_completed": sum(1 for t in tokens if t["completed"] != "N"),
            "completed_responses": complete,
            "incomplete_responses": len(survey.responses) - complete,
            "full_responses": len(survey.responses),
        }
        if stat_name == "all":
            return stats
        return stats.get(stat_name, {"status": "No available data"})

    # Participants ---------------------------------------------------------------------------------

    def _tokens_of(self, key, sid, invalid_key=INVALID_KEY):
        """(survey, None) or (None, the status result)."""
        if not self.lsi.user_of(key):
            return None, invalid_key
        survey = self.lsi.survey(sid)
        if survey is None:
            return None, INVALID_SURVEY
        if survey.tokens is None:
            return None, NO_TOKEN_TABLE
        return survey, None

    def rpc_activate_tokens(self, key, sid, attribute_fields=None):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        if survey.tokens is None:
            survey.tokens = {}
        for number in attribute_fields or []:
            name = f"attribute_{int(number)}"
            if name not in survey.attribute_fields:
                survey.attribute_fields.append(name)
                for row in survey.tokens.values():
                    row.setdefault(name, None)
        return {"status": "OK"}

    def rpc_add_participants(self, key, sid, participants, create_token=True):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        if survey.tokens is None:
            return {"status": "No survey participants table"}
        if not isinstance(participants, list):
            return {"status": "Faulty parameters"}
        answered = []
        for data in participants:
            data = dict(data) if isinstance(data, dict) else {}
            email = data.get("email")
            if email and not all(EMAIL.match(part.strip()) for part in str(email).split(";")):
                answered.append({**data, "errors": {"email": [f"Invalid email address: {email}"]}})
                continue
            row = self.lsi.new_token(survey, data, bool(create_token))
            answered.append(dict(row))
        return answered

    def rpc_list_participants(
        self, key, sid, start=0, limit=10, unused=False, attributes=False, conditions=None
    ):
        survey, failed = self._tokens_of(key, sid, INVALID_KEY_CAPS)
        if failed:
            return failed
        columns = set(survey.token_columns())
        wanted = {k: v for k, v in (conditions or {}).items() if k in columns}
        rows = [
            row
            for tid, row in sorted(survey.tokens.items())
            if all(str(row.get(k)) == str(v) for k, v in wanted.items())
            and (not unused or row["completed"] == "N")
        ]
        rows = rows[int(start) : int(start) + int(limit)]
        if not rows:
            return {"status": "No survey participants found."}
        extra = []
        if attributes:
            extra = [
                name
                for name in attributes
                if name in columns and name not in ("tid", "token", "firstname", "lastname", "email")
            ]
        return [
            {
                "tid": row["tid"],
                "token": row["token"],
                "participant_info": {
                    "firstname": row["firstname"],
                    "lastname": row["lastname"],
                    "email": row["email"],
                },
                **{name: row[name] for name in extra},
            }
            for row in rows
        ]

    def _one_token(self, survey, query):
        """(row, None) or (None, status) for a tid or an attribute query that must match one row."""
        if isinstance(query, dict):
            matches = [
                r for r in survey.tokens.values() if all(str(r.get(k)) == str(v) for k, v in query.items())
            ]
            if not matches:
                return None, {"status": "Error: No results were found based on your attributes."}
            if len(matches) > 1:
                return None, {"status": "Error: More than 1 result was found based on your attributes."}
            return matches[0], None
        row = survey.tokens.get(int(query)) if str(query).isdigit() else None
        return (row, None) if row else (None, {"status": "Error: Invalid tokenid"})

    def rpc_get_participant_properties(self, key, sid, query, properties=None):
        survey, failed = self._tokens_of(key, sid, INVALID_KEY_CAPS)
        if failed:
            return failed
        row, failed = self._one_token(survey, query)
        if failed:
            return failed
        result = {name: row[name] for name in properties if name in row} if properties else dict(row)
        return result or {"status": "No valid Data"}

    def rpc_set_participant_properties(self, key, sid, query, data):
        survey, failed = self._tokens_of(key, sid, INVALID_KEY_CAPS)
        if failed:
            return failed
        row, failed = self._one_token(survey, query)
        if failed:
            return failed
        changes = {k: v for k, v in (data or {}).items() if k in row and k != "tid"}
        if not changes:
            return {"status": "No valid Data"}
        row.update(changes)
        return dict(row)

    def rpc_delete_participants(self, key, sid, token_ids):
        survey, failed = self._tokens_of(key, sid, INVALID_KEY_CAPS)
        if failed:
            return failed
        result = {}
        for value in token_ids or []:
            tid = int(value)
            result[str(tid)] = "Deleted" if survey.tokens.pop(tid, None) else "Invalid token ID"
        return result

    def _send(self, survey, rows, kind):
        result = {}
        for row in rows:
            now = stamp()
            if kind == "invite":
                row["sent"] = now
            else:
                row["remindersent"] = now
                row["remindercount"] = int(row["remindercount"] or 0) + 1
            self.lsi.mails.append(_mail(survey.sid, row, kind, now))
            result[str(row["tid"])] = {
                "name": f"{row['firstname'] or ''} {row['lastname'] or ''}".strip(),
                "email": row["email"],
                "status": "OK",
            }
        return result

    def rpc_invite_participants(self, key, sid, token_ids=None, email=True):
        survey, failed = self._tokens_of(key, sid)
        if failed:
            return failed
        pending = [
            row
            for tid, row in sorted(survey.tokens.items())
            if row["emailstatus"] == "OK"
            and row["completed"] == "N"
            and ((row["sent"] == "N") if email else (row["sent"] != "N"))
            and (token_ids is None or tid in {int(t) for t in token_ids})
        ]
        chosen = [row for row in pending[: self.lsi.max_emails] if EMAIL.match(row["email"] or "")]
        if not chosen:
            return NO_CANDIDATES
        all_uninvited = sum(
            1
            for r in survey.tokens.values()
            if r["emailstatus"] == "OK" and r["sent"] == "N" and r["completed"] == "N"
        )
        result = self._send(survey, chosen, "invite")
        result["status"] = f"{all_uninvited - len(chosen)} left to send"
        return result

    def rpc_remind_participants(self, key, sid, min_days_between=None, max_reminders=None, token_ids=False):
        survey, failed = self._tokens_of(key, sid)
        if failed:
            return failed

        def due(row):
            if row["emailstatus"] != "OK" or row["completed"] != "N" or row["sent"] == "N":
                return False
            if max_reminders is not None and int(row["remindercount"] or 0) >= int(max_reminders):
                return False
            if min_days_between is not None:
                limit = stamp(server_now() - timedelta(days=int(min_days_between)))
                last = row["sent"] if row["remindersent"] == "N" else row["remindersent"]
                if last >= limit:
                    return False
            return True

        wanted = {int(t) for t in token_ids} if token_ids else None
        candidates = [row for tid, row in sorted(survey.tokens.items()) if due(row)]
        chosen = [row for row in candidates if wanted is None or row["tid"] in wanted][: self.lsi.max_emails]
        if not chosen:
            return NO_CANDIDATES
        result = self._send(survey, chosen, "remind")
        result["status"] = f"{len(candidates) - len(chosen)} left to send"
        return result

    # Responses ------------------------------------------------------------------------------------

    def rpc_add_response(self, key, sid, data):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        if survey.active != "Y":
            return {"status": "No survey response table"}
        data = dict(data or {})
        answers = {code: data.get(code) for code in survey.question_columns()}
        complete = not ("submitdate" in data and not data["submitdate"])
        return self.lsi.submit_response(survey.sid, answers, token=data.get("token"), complete=complete)

    def rpc_get_response_ids(self, key, sid, token):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        ids = [rid for rid, r in sorted(survey.responses.items()) if token and r.get("token") == token]
        return ids or {"status": "No Response found for Token"}

    def rpc_delete_response(self, key, sid, response_id):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return INVALID_SURVEY
        if survey.responses.pop(int(response_id), None) is None:
            return {"status": "Response Id not found"}
        return {str(int(response_id)): "deleted"}

    def _export(self, survey, document_type, completion, from_id, to_id, fields, token=None):
        if document_type not in EXPORT_TYPES:
            return {"status": f"Export plugin {document_type} is not installed"}
        if not survey.responses:
            return {"status": "No Data, could not get max id."}
        rows = [
            r
            for rid, r in sorted(survey.responses.items())
            if (from_id is None or rid >= int(from_id))
            and (to_id is None or rid <= int(to_id))
            and (completion == "all" or (completion == "complete") == bool(r["submitdate"]))
            and (token is None or r.get("token") == token)
        ]
        if token is not None and not rows:
            return {"status": "No Response found for Token"}
        columns = [
            c
            for c in ("id", "token", "submitdate", "lastpage", "startlanguage", "seed")
            if c != "token" or survey.anonymized == "N"
        ]
        columns += ["startdate", "datestamp", *survey.question_columns()]
        if fields:
            columns = [c for c in columns if c in fields or c == "id"]
        if document_type == "json":
            body = json.dumps(
                {"responses": [{c: r.get(c) for c in columns} for r in rows]}, ensure_ascii=False
            )
            data = body.encode("utf-8")
        else:
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
            writer.writerow(columns)
            for r in rows:
                writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
            data = ("\ufeff" + out.getvalue()).encode("utf-8")
        return base64.b64encode(data).decode("ascii")

    def rpc_export_responses(
        self,
        key,
        sid,
        document_type,
        language=None,
        completion="all",
        heading="code",
        response_type="short",
        from_id=None,
        to_id=None,
        fields=None,
        options=None,
    ):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return NO_PERMISSION  # LimeSurvey asks for the permission on the survey it cannot find
        if language and language != survey.language:
            return {"status": "Language code not found for this survey."}
        return self._export(survey, document_type, completion, from_id, to_id, fields)

    def rpc_export_responses_by_token(
        self,
        key,
        sid,
        document_type,
        token,
        language=None,
        completion="all",
        heading="code",
        response_type="short",
        from_id=None,
        to_id=None,
        fields=None,
        options=None,
    ):
        if not self.lsi.user_of(key):
            return INVALID_KEY
        survey = self.lsi.survey(sid)
        if survey is None:
            return NO_PERMISSION
        return self._export(survey, document_type, completion, from_id, to_id, fields, token=token)


class UnknownMethod(Exception):
    """A method LimeSurvey does not have, or the wrong number of parameters for one."""


def _mail(sid, row, kind, at):
    return Mail(sid=sid, tid=row["tid"], email=row["email"], kind=kind, at=at)
