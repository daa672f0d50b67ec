"""PDF benchmark: python bench/bench_pdf.py [LETTERS]  (default 100 letters).

Measures in one run, side by side:
  (a) one office start per letter: `soffice --headless --convert-to pdf` run once for each DOCX letter,
      as a script calling LibreOffice per file would do (timed on a sample of 10 letters, scaled);
  (b) `complaints render --format pdf` with all workers: each worker keeps one LibreOffice running;
and prints PDFs per second for each and the ratio. (b) includes everything the command does: reading and
checking the cases, the DOCX letters, the PDFs, the manifest, and starting LibreOffice once per worker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_render import DAY, make_cases  # noqa: E402

from complaints.render.pdf import find_office  # noqa: E402


def per_letter(docx: list[Path], out: Path) -> float:
    """Seconds to convert these letters with one LibreOffice start each."""
    soffice, _ = find_office()
    out.mkdir(parents=True)
    profile = Path(tempfile.mkdtemp(prefix="bench-office-"))
    start = time.perf_counter()
    for path in docx:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                        "--outdir", str(out), str(path)], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    shutil.rmtree(profile, ignore_errors=True)
    assert len(list(out.glob("*.pdf"))) == len(docx)
    return seconds


def main() -> None:
    letters = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    cpus = os.cpu_count() or 1
    n = -(-letters // 3)  # cases, three letters each
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_cases(work / "cases", n)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(work / "cases"), "--out",
                        str(work / "b"), "-q", "--format", "pdf", "--workers", str(cpus), "--date", DAY.isoformat()],
                       check=True)
        t_b = time.perf_counter() - start
        pdfs = sorted((work / "b").glob("*/*.pdf"))
        sample = sorted((work / "b").glob("*/*.docx"))[:10]
        t_a = per_letter(sample, work / "a") * len(pdfs) / len(sample)
        rate_a, rate_b = len(pdfs) / t_a, len(pdfs) / t_b
        print(f"machine: {os.uname().machine}, {cpus} CPUs, Python {sys.version.split()[0]}; {len(pdfs)} letters")
        print(f"(a) one office start per letter  {rate_a:6.1f} PDFs/s   (timed on {len(sample)} letters, scaled)")
        print(f"(b) complaints render --format pdf {rate_b:6.1f} PDFs/s   {rate_b / rate_a:5.1f}x (a)"
              f"   ({t_b:.1f} s for the whole run)")


if __name__ == "__main__":
    main()
