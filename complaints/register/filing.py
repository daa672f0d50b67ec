"""What the register knows of one filed letter: when and how it went in, when the reply is due, what came back.

No personal data: the applicant's details stay in the project file and the archived letter; the register
keeps the case id, the language, the dates, the channel and reference, and the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

CHANNELS = ("eotinish", "post", "email", "in-person")
OUTCOMES = ("answered", "measures-taken", "refused", "forwarded")
# Where a filing's list of evidence files (its annexes) came from:
#   letter  the letters' manifest: what the rendered letter filed was made with
#   group   the same, for a letter about several cases (its annexes are all of theirs)
#   case    the case file as it was when the filing was recorded (a file the tool did not render)
# None: recorded before the register kept annexes (schema 1); `evidence` then falls back to the manifest.
EVIDENCE_FROM = ("letter", "group", "case")


@dataclass(slots=True)  # not frozen: `status` builds 100,000 of them, and a frozen init costs three times more
class Filing:
    """One letter filed with an authority, as the register holds it."""

    id: int
    case_id: str
    lang: str
    channel: str  # one of CHANNELS
    ref: str | None  # the registration number the authority gave (eOtinish receipt, incoming number)
    filed_at: datetime  # when it was sent or handed in, aware (Kazakhstan time as given)
    registered: date  # APPC Article 64(3): that day, or the next working day if after hours or a day off
    due: date  # APPC Article 76: fifteen working days from registration
    extended_until: date | None  # the authority extended the term (up to two months)
    extension_ref: str | None
    replied_on: date | None
    outcome: str | None  # one of OUTCOMES, once the reply came
    note: str | None
    letter_name: str  # the archived letter's file name, e.g. nurkz-2023-10-06.ru.pdf
    letter_sha256: str  # the archived letter's SHA-256: the exact file filed
    subject: str  # the letter's subject line, in its language
    outlet: str  # the outlet's name
    authority: str  # the authority profile id, e.g. mki-rk
    project: str | None  # the project file (complaints.yaml) the letter was made with
    again: int = 0  # 0 for the first filing of this case in this language, then 1, 2, …
    reply_name: str | None = None  # the reply's file name, archived by its SHA-256
    reply_sha256: str | None = None
    evidence_from: str | None = None  # one of EVIDENCE_FROM; None for a filing recorded before annexes were kept
    # "receipt": `registered` (and `ref`) are the authority's, from its receipt; None: `registered` was computed
    # from the filing (Article 64(3), a postal filing's delivery allowance added), a reading for a lawyer to confirm
    registration: str | None = None

    @property
    def registered_known(self) -> bool:
        """True where the registration date is the authority's own (its receipt), not a computation."""
        return self.registration == "receipt"

    @property
    def deadline(self) -> date:
        """The day the reply is due now: the extended term where there is one."""
        return self.extended_until or self.due

    @property
    def answered(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up letter `remind` wrote for a filing: a reminder, or the letter to the prosecutor."""

    id: int
    filing_id: int
    kind: str  # reminder or prosecutor
    dated: date  # the letter's date
    ref: str | None = None  # its registration number, once its receipt is recorded
    sent_on: date | None = None  # when it was filed, once recorded


@dataclass(frozen=True, slots=True)
class Annex:
    """One evidence file of a filed letter, as it was when the letter was made: the register's record of it."""

    position: int  # 1, 2, … in the order the letter's record lists them
    name: str  # the file as the case file writes it, relative to the case file (e.g. evidence/shot.png)
    path: str  # the same file relative to the case's root folder (that of complaints.yaml), POSIX separators
    size: int
    sha256: str
