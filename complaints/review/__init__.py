"""Before you sign: what in a letter's case, project file or letters on disk a signer must look at.

    findings  a finding (kind, place, what to do) and what is looked for (complaints/data/check.yaml)
    content   the case and project files: placeholders, scripts, lost letters, unconfirmed fields, norms
    ondisk    the letters' manifest: letters older than their case, evidence changed, files it does not list
    run       check_paths: every case at some paths; content_findings: what `render --final` refuses
"""

from .content import content_findings
from .findings import KINDS, Finding
from .run import CaseReview, CheckReport, check_paths, summary

__all__ = ["KINDS", "CaseReview", "CheckReport", "Finding", "check_paths", "content_findings", "summary"]
