"""`watch`: is every case's comment still online?

    capture_many(jobs, workers=, pace=, on_done=)   one Chromium, up to `workers` pages at once, at least `pace`
                                                    seconds between two visits to one host (an outlet is not
                                                    hammered); a Capture per job, in the jobs' order (the engine
                                                    lives in capture.py, which `capture` and `capture_case` share)
    watch(paths, db=, workers=, pace=)             every case captured; a found capture written into its case
                                                    file (casefile.add_to_case); every outcome recorded in the
                                                    register as a sighting (register/sightings.py); one bad case
                                                    never stops the others
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case.when import kz_zone
from ..errors import ComplaintsError
from ..layout import PROJECT_FILE, find_case_files, find_project
from .capture import Job, Limits, capture_many, words
from .record import Capture

__all__ = ["WatchResult", "capture_many", "record_capture", "watch"]


@dataclass
class WatchResult:
    """One case's check: its capture (None if the case could not be read), the sighting recorded, and what went
    wrong (the case not loading, the case file or the register not updated)."""

    case: Path
    capture: Capture | None = None
    sighting: Any = None
    error: str | None = None
    updated: bool = False  # the case file got the capture and still_online
    case_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.capture is not None and self.capture.found and self.error is None


def watch(paths: Sequence[str | Path], *, db: Path | None = None, workers: int | None = None,
          pace: float | None = None, limits: Limits | None = None, browser: str | None = None,
          update_case: bool = True, on_done: Callable[[WatchResult], None] | None = None) -> list[WatchResult]:
    """Re-check every case under `paths` (see the module's docstring). `db`: the register (default complaints.db
    beside each case's complaints.yaml; none recorded for a case without one). Workers and pace default to
    data/capture.yaml's."""
    from .casefile import add_to_case, job_for_case

    pacing = words()["pacing"]
    workers = int(pacing["workers"]) if workers is None else workers
    pace = float(pacing["pace"]) if pace is None else pace
    results: list[WatchResult] = []
    jobs: list[Job] = []
    by_job: dict[int, WatchResult] = {}
    configured = browser
    for path in find_case_files(paths):
        result = WatchResult(path)
        results.append(result)
        try:
            job, loaded = job_for_case(path)
        except ComplaintsError as exc:
            result.error = str(exc)
            continue
        except (OSError, ImportError) as exc:
            result.error = str(exc)
            continue
        result.case_id = loaded.id
        configured = configured or loaded.project.project.browser
        by_job[id(job)] = result
        jobs.append(job)

    def done(job: Job, cap: Capture) -> None:
        result = by_job[id(job)]
        result.capture = cap
        if cap.found and update_case:
            try:
                add_to_case(result.case, cap)
                result.updated = True
            except (ComplaintsError, OSError) as exc:
                result.error = f"the case file was not updated: {exc}"
            except Exception as exc:  # noqa: BLE001 - a YAML the writer cannot read: said, and the others go on
                result.error = f"the case file was not updated: {type(exc).__name__}: {exc}"
        result.sighting, problem = _sight(result, job, cap, db)
        if problem:
            result.error = f"{result.error}; {problem}" if result.error else problem
        if on_done:
            on_done(result)

    for result in results:
        if result.error and on_done:
            on_done(result)
    if jobs:
        capture_many(jobs, workers=workers, pace=pace, on_done=done, limits=limits, browser=configured)
    return results


def _sight(result: WatchResult, job: Job, cap: Capture, db: Path | None) -> tuple[Any, str | None]:
    """The sighting recorded in the register, or why none was."""
    register = db
    if register is None:
        project = find_project(result.case)
        if project is None:
            return None, None
        register = project.parent / "complaints.db"
        assert project.name == PROJECT_FILE
    try:
        return record_capture(register, result.case_id or "", job.url, cap), None
    except ImportError as exc:
        return None, f"the register was not updated: complaints.register.sightings cannot be loaded ({exc})"
    except (ComplaintsError, OSError, sqlite3.Error) as exc:
        return None, f"the register was not updated: {exc}"


def record_capture(db: Path, case_id: str, url: str, cap: Capture) -> Any:
    """A capture of the case's comment at `url` recorded in the register `db` as a sighting (what `watch` and the
    desk's capture both do); raises what the register raises (ComplaintsError, OSError, sqlite3.Error)."""
    record_sighting = importlib.import_module("complaints.register.sightings").record_sighting
    when = cap.taken if cap.taken.tzinfo else cap.taken.replace(tzinfo=kz_zone())
    return record_sighting(db, case_id, url, when, cap.outcome, cap.detail, capture=cap.stem or None)
