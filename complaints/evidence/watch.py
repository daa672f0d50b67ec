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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ComplaintsError
from ..layout import find_case_files
from .capture import Job, Limits, capture_many, words
from .record import Capture

__all__ = ["WatchResult", "capture_many", "watch"]


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
    from .casefile import add_to_case, job_for_case, note_sighting

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
        result.sighting, problem = note_sighting(result.case, cap, case_id=result.case_id, db=db)
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
