"""What the letters page and the batch page share: the formats the desk makes, whether PDF can be made, and the
batches this desk runs (kept in desk.jobs)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .view import Desk

WEB_FORMATS = ("docx", "txt", "eml")  # what the desk makes; PDF too when asked (it needs LibreOffice)


def office_found() -> bool:
    """LibreOffice is there to make PDF letters."""
    from ..render.pdf import OfficeMissing, find_office

    try:
        find_office()
    except OfficeMissing:
        return False
    return True


@dataclass
class Job:
    """One batch of every case in the project folder, as its page shows it."""

    id: str
    pdf: bool
    total: int = 0
    events: list[Any] = field(default_factory=list)  # the batch's CaseEvents, as they come
    result: Any = None  # the BatchResult, once it is done
    busy: bool = False  # another batch (the command line's) was writing to the letters' folder
    error: str | None = None  # what stopped the whole batch, in the library's words (English)
    to_check: list[tuple[str, int]] | None = None  # after it: the cases `check` finds things in, and how many
    running: bool = True
    started: float = field(default_factory=time.time)

    @property
    def done(self) -> int:
        return len(self.events)

    @property
    def failed(self) -> list[Any]:
        return [e for e in self.events if e.status == "failed"]

    @property
    def unchanged(self) -> int:
        return sum(1 for e in self.events if e.status == "unchanged")

    def state(self) -> dict[str, Any]:
        return {"id": self.id, "done": self.done, "total": self.total, "running": self.running}


def running(here: Desk) -> Job | None:
    """The batch now running on this desk, if one is."""
    return next((job for key, job in list(here.jobs.items())
                 if key.startswith("batch:") and isinstance(job, Job) and job.running), None)


def latest(here: Desk) -> Job | None:
    """The batch this desk started last."""
    jobs = [job for key, job in list(here.jobs.items()) if key.startswith("batch:") and isinstance(job, Job)]
    return max(jobs, key=lambda job: job.started) if jobs else None
