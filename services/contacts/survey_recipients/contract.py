"""Contract of contacts.survey_recipients_page (Q1): the members of a group or saved search as survey
participants, with why a member cannot be one (no e-mail, opted out, deceased)."""

SELECTION_KINDS = ("group", "saved_search")
# Why a member is left out of a survey's participants.
NO_EMAIL = "no_email"
OPTED_OUT = "opted_out"
DECEASED = "deceased"
SKIP_REASONS = (NO_EMAIL, OPTED_OUT, DECEASED)
# The purpose whose withdrawn consent means "do not send me surveys" unless the caller names another.
DEFAULT_OPT_OUT_PURPOSE = "member_communication"
MAX_PAGE = 1000
