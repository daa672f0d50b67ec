"""PDF benchmark: python bench/bench_pdf.py [LETTERS] [--rounds R] [--baseline CHECKOUT]  (default 102 letters, 3).

Measures in one run, the three runs of a round one after another (old and new alternate), R rounds, medians:
  (a) today's path: `complaints render --format pdf` with each worker starting its own LibreOffice after the
      tool's imports (COMPLAINTS_NO_FAST=1; or the code of --baseline, a checkout from before the issue);
  (b) cold start with ahead(): the same command, LibreOffice started before the imports (render/office.py);
  (c) with `complaints office` running (started, warmed and idle before the render);
  (d) the floor: LibreOffice already running, one per CPU, each converting its share of the same DOCX letters
      through UNO by a few lines of Python (no tool code); and its start-up time, for the floor of a cold start.
Each as PDFs per second (wall) and CPU-seconds: (a)/(b) everything the command and every process it started
used, LibreOffice included (this process is their subreaper, so that orphans are counted); (c) the render's plus
what the office's processes used meanwhile; (d) LibreOffice's and the clients'. Then each target, met or NOT met.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_render import DAY, make_cases  # noqa: E402

from complaints.render.pdf import find_office  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET, OFFICE_TARGET = 20.0, 30.0  # PDFs/s, from the issue
TICK = os.sysconf("SC_CLK_TCK")


def _subreaper(on: bool) -> None:
    """Orphaned descendants (a LibreOffice whose converter was killed with its worker) come to this process, so
    that their CPU time is counted when they are reaped (Linux; elsewhere they are not counted)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(36, int(on), 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _tree_cpu(root: int) -> float:
    """CPU-seconds used so far by a process and its descendants alive (with the children they reaped)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / TICK)
    inside = {root}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in stats.items():
            if ppid in inside and pid not in inside:
                inside.add(pid)
                grew = True
    return sum(stats[pid][1] for pid in inside if pid in stats)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], env=env, check=True, capture_output=True)


def _render(cases: Path, out: Path, env: dict[str, str], workers: int) -> tuple[float, float]:
    """Wall seconds of the command, CPU-seconds of everything it started (waited for until all have ended)."""
    _subreaper(True)
    cpu = _children_cpu()
    start = time.perf_counter()
    _cli(["render", str(cases), "--out", str(out), "-q", "--format", "pdf", "--workers", str(workers),
          "--date", DAY.isoformat()], env)
    wall = time.perf_counter() - start
    _reap()
    _subreaper(False)
    return wall, _children_cpu() - cpu


def _office_status(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "complaints.cli", "office", "status", "--json"], env=env,
                          capture_output=True)
    return json.loads(done.stdout)


FLOOR = r'''
import json, sys, time, uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

pipe, files, out = sys.argv[1], sys.argv[2:], None
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
while True:
    try:
        ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"); break
    except NoConnectException:
        time.sleep(0.05)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
data = uno.Any("[]com.sun.star.beans.PropertyValue", (prop("EmbedStandardFonts", True), prop("UseTaggedPDF", True)))

def convert(path):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),
                                       prop("ReadOnly", True), prop("FilterName", "MS Word 2007 XML")))
    doc.storeToURL(uno.systemPathToFileUrl(path[:-5] + ".floor.pdf"),
                   (prop("FilterName", "writer_pdf_Export"), prop("FilterData", data)))
    doc.close(True)

convert(files[0])  # warmed, as the office is
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
for path in files:
    convert(path)
print(time.perf_counter() - start, flush=True)
sys.stdin.readline()
desktop.terminate()
'''


def floor(docx: list[Path], processes: int, work: Path) -> tuple[float, float, float]:
    """(seconds to convert every letter with LibreOffice running, its CPU-seconds, seconds LibreOffice takes to
    start and be ready)."""
    soffice, python = find_office()
    script = work / "floor.py"
    script.write_text(FLOOR, encoding="utf-8")
    offices, clients = [], []
    start = time.perf_counter()
    for i in range(processes):
        profile = work / f"floor-profile-{i}"
        pipe = f"bench-floor-{os.getpid()}-{i}"
        offices.append(subprocess.Popen([soffice, "--headless", "--invisible", "--nologo", "--norestore",
                                         "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                                         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=dict(os.environ, TZ="UTC")))
        share = [str(p) for p in docx[i::processes]]
        clients.append(subprocess.Popen([python, str(script), pipe, *share], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8"))
    for client in clients:
        assert client.stdout is not None and client.stdout.readline().strip() == "ready"
    started = time.perf_counter() - start  # LibreOffice started, connected to, and one letter made
    cpu = sum(_tree_cpu(p.pid) for p in offices + clients)
    for client in clients:
        assert client.stdin is not None
        client.stdin.write("go\n")
        client.stdin.flush()
    seconds = [float(client.stdout.readline()) for client in clients if client.stdout is not None]
    cpu = sum(_tree_cpu(p.pid) for p in offices + clients) - cpu
    for client in clients:
        assert client.stdin is not None
        client.stdin.write("done\n")
        client.stdin.close()
        client.wait()
    for office in offices:
        office.wait(timeout=60)
    assert len(list(docx[0].parent.parent.glob("*/*.floor.pdf"))) == len(docx)
    return max(seconds), cpu, started


def main() -> None:
    args = sys.argv[1:]
    rounds, baseline = 3, None
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    if "--baseline" in args:
        i = args.index("--baseline")
        baseline = args[i + 1]
        del args[i:i + 2]
    letters = int(args[0]) if args else 102
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_cases(work / "cases", -(-letters // 3))  # three letters a case
        # every run with the same kept LibreOffice profiles, in a cache folder of the benchmark's own
        env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"))
        env.pop("COMPLAINTS_OFFICE_DIR", None)
        env.pop("COMPLAINTS_OFFICE_RUN", None)
        old = dict(env, COMPLAINTS_NO_FAST="1")
        if baseline:
            old = dict(env, PYTHONPATH=baseline)
        _render(work / "cases", work / "prime", old, cpus)  # the profiles made once, before any timing
        results: dict[str, list[tuple[float, float]]] = {"a": [], "b": [], "c": []}
        n = 0
        for r in range(rounds):
            results["a"].append(_render(work / "cases", work / f"a{r}", old, cpus))
            results["b"].append(_render(work / "cases", work / f"b{r}", env, cpus))
            _cli(["office", "--processes", str(cpus), "--idle", "10"], env)  # not a descendant: not reaped
            daemon = int(_office_status(env)["pid"])  # type: ignore[call-overload]
            before = _tree_cpu(daemon)
            wall, cpu = _render(work / "cases", work / f"c{r}", env, cpus)
            cpu += _tree_cpu(daemon) - before
            made = _office_status(env)["conversions"]
            _cli(["office", "stop"], env)
            results["c"].append((wall, cpu))
            n = len(list((work / f"c{r}").glob("*/*.pdf")))
            assert made == n, f"the office made {made} of {n} PDFs"
            same = {p.name: p.read_bytes() for p in (work / f"a{r}").glob("*/*.pdf")}
            for label in "bc":
                assert {p.name: p.read_bytes() for p in (work / f"{label}{r}").glob("*/*.pdf")} == same, \
                    f"({label}) gave other PDF bytes than (a)"
        docx = sorted((work / "a0").glob("*/*.docx"))
        f_wall, f_cpu, f_start = floor(docx, cpus, work)

    def median(label: str) -> tuple[float, float]:
        rows = results[label]
        return statistics.median(w for w, _ in rows), statistics.median(c for _, c in rows)

    floor_rate = n / f_wall
    cold_floor = n / (f_start + f_wall)
    print(f"machine: {os.uname().machine}, {cpus} CPUs, Python {sys.version.split()[0]}; {n} letters, {cpus}"
          f" workers; medians of {rounds} rounds, (a) (b) (c) alternating; PDFs byte-identical in all three")
    names = {"a": "today's path (each worker starts LibreOffice)" + (" [baseline]" if baseline else ""),
             "b": "cold start, LibreOffice started ahead", "c": "with `complaints office` running"}
    for label in "abc":
        wall, cpu = median(label)
        print(f"({label}) {names[label]:48} {n / wall:6.1f} PDFs/s  {wall:6.2f} s  {cpu:6.2f} CPU-s"
              f"  ({1000 * cpu / n:5.1f} CPU-ms a PDF)")
    print(f"(d) floor: LibreOffice running, UNO alone         {floor_rate:6.1f} PDFs/s  {f_wall:6.2f} s  {f_cpu:6.2f}"
          f" CPU-s  ({1000 * f_cpu / n:5.1f} CPU-ms a PDF); its start {f_start:.2f} s: cold floor {cold_floor:.1f}/s")
    cold, office = n / median("b")[0], n / median("c")[0]
    print(f"(b) is {cold / (n / median('a')[0]):.2f}x (a); (c) is {office / (n / median('a')[0]):.2f}x (a),"
          f" {office / floor_rate:.0%} of the floor (d); (b) {cold / cold_floor:.0%} of the cold floor")
    for what, rate, target, ceiling in (("cold start (b)", cold, COLD_TARGET, cold_floor),
                                        ("with office (c)", office, OFFICE_TARGET, floor_rate)):
        verdict = "met" if rate >= target else "NOT met"
        why = "" if rate >= target else (f" (the floor itself is {ceiling:.1f}/s on this machine now)"
                                         if ceiling < target else f" (the floor is {ceiling:.1f}/s)")
        print(f"target {what}: >= {target:.0f} PDFs/s: {rate:.1f}: {verdict}{why}")


if __name__ == "__main__":
    main()
