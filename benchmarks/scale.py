"""How every stage grows with the list: 1,000, 10,000 and (generator stages only) 100,000 papers.

Synthetic lists come from benchmarks/synthetic.py (deterministic, made from the shipped list).
Per size it prints seconds and peak memory of each stage, the site's size, bytes per paper page,
the search index per paper (and whether it still finds every title), and the ratio of a whole
`readinglist build` to a plain `mkdocs build` of the same generated pages, both run here. The build
renders the pages outside the navigation on every core (generator/mkdocs_build.py), a plain
`mkdocs build` on one, so the table also gives what the generator stages alone add to a plain
`mkdocs build` (generator seconds over plain MkDocs seconds). At 1,000 papers it also times the
live preview: an edited entry until its page shows the change.

Prints figures; asserts nothing. Usage:
    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from synthetic import make_list  # noqa: E402

FULL_SITE_UP_TO = 10_000  # beyond this, only the generator stages run (MkDocs would take many minutes)


# ---------------------------------------------------------------- one size, stage by stage (child process)

def reset_peak_memory() -> None:
    """Linux: writing 5 to clear_refs resets the process's peak resident size (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children that have ended (page workers, the
    duplicate check, the file maker): what a stage cost whatever the machine's load."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_memory_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_stages(root: Path, with_mkdocs: bool) -> dict:
    """Each stage in turn in this process: seconds and peak memory (main process; page workers apart)."""
    import resource

    from generator.build import generate, render
    from generator.project import Project

    project = Project(root)
    results = {}

    def stage(name, function):
        reset_peak_memory()
        start, cpu = time.perf_counter(), cpu_seconds()
        value = function()
        results[name] = {"seconds": time.perf_counter() - start, "peak_mb": peak_memory_mb(),
                         "cpu": cpu_seconds() - cpu}
        return value

    # exactly as `readinglist build` does (generator.build.generate), each stage timed
    catalog, grouping = generate(project, stage=stage)
    results["themes_count"] = len(grouping.themes)
    results["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if with_mkdocs:
        stage("mkdocs", lambda: render(project, catalog))  # as `readinglist build` renders
    return results


# ---------------------------------------------------------------- site figures

def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def site_figures(root: Path, count: int) -> dict:
    site = root / "site"
    pages = list((site / "papers").glob("*.html"))
    index_file = site / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    titles = {html.unescape(doc["title"]) for doc in index["docs"]}  # Material stores titles as HTML
    missing = 0
    for entry in (root / "content" / "papers").glob("*.yml"):
        title = json.loads(re.search(r"^title: (.*)$", entry.read_text(encoding="utf-8"), re.M).group(1))
        missing += " ".join(title.split()) not in titles
    return {"site_mb": folder_bytes(site) / 1e6, "page_bytes": sum(p.stat().st_size for p in pages) / len(pages),
            "index_per_paper": index_file.stat().st_size / count, "titles_missing": missing}


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "CI": "1"})
    return time.perf_counter() - start


def build_ratio(root: Path) -> dict:
    """A whole `readinglist build`, then a plain `mkdocs build` of the pages it generated, here and now (its
    site is left for the end, as file_creation_seconds explains)."""
    whole = timed([str(BIN / "readinglist"), "build", "--project", str(root)], root)
    plain_site = root / "plain-site"
    plain = timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(root / "build" / "mkdocs.yml"),
                   "-d", str(plain_site)], root)
    return {"whole": whole, "plain": plain, "ratio": whole / plain}


# ---------------------------------------------------------------- the live preview

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def preview_latency(root: Path) -> float | None:
    """Seconds from saving an edited entry until `readinglist serve` serves its page with the change.

    The list first gets a theme lock, as a curated list of this size has: without one, an edit may
    re-cluster and rename themes, and every page is then rebuilt.
    """
    subprocess.run([str(BIN / "readinglist"), "themes", "--update", "--project", str(root)], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "CI": "1"})
    port = free_port()
    server = subprocess.Popen([str(BIN / "readinglist"), "serve", "--project", str(root), "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "CI": "1"})
    try:
        entry = sorted((root / "content" / "papers").glob("*.yml"))[len(list((root / "content" / "papers")
                                                                           .glob("*.yml"))) // 2]
        url = f"http://127.0.0.1:{port}/papers/{entry.stem}.html"
        deadline = time.time() + 300
        while fetch(url) is None and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # let the watcher settle after the first build
        marker = "Edited for the preview benchmark"
        text = entry.read_text(encoding="utf-8")
        start = time.perf_counter()
        entry.write_text(text.replace('title: "', f'title: "{marker} ', 1), encoding="utf-8")
        while time.perf_counter() - start < 60:
            page = fetch(url)
            if page and marker in page:
                return time.perf_counter() - start
            time.sleep(0.05)
        return None
    finally:
        server.terminate()
        server.wait(timeout=30)


# ---------------------------------------------------------------- driver

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal")) / 1024 ** 2
    return (f"{cpu}; {len(os.sched_getaffinity(0))} cores; {memory:.0f} GiB RAM; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def file_creation_seconds(folder: Path, count: int) -> float:
    """Seconds this file system takes to create `count` empty files in a new folder (a floor under writing
    as many pages: it varies a lot from hour to hour on a shared machine).

    Measured after the build and left in place until the end: on ext4, files created just after as many
    were deleted cost several times more (the allocator inspects each recently freed inode before it
    takes another), so deleting them here would slow the next build measured."""
    folder.mkdir()
    start = time.perf_counter()
    for number in range(count):
        os.close(os.open(folder / f"{number}.md", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return time.perf_counter() - start


def run_size(count: int, workdir: Path) -> dict:
    root = workdir / f"list-{count}"
    make_list(root, count)
    render = count <= FULL_SITE_UP_TO
    child = subprocess.run([sys.executable, __file__, "--stages", str(root), "--render" if render else "--no-render"],
                           capture_output=True, text=True, env={**os.environ, "CI": "1"})
    if child.returncode != 0:
        raise SystemExit(child.stderr)
    result = {"count": count, "stages": json.loads(child.stdout.splitlines()[-1])}
    if render:
        result["site"] = site_figures(root, count)
        result["ratio"] = build_ratio(root)
    result["creating"] = file_creation_seconds(workdir / f"files-{count}", count)
    if count == 1_000:
        result["preview"] = preview_latency(root)
    return result


def generator_seconds(result: dict) -> float:
    """The generator stages together: load, themes, pages."""
    return sum(result["stages"][name]["seconds"] for name in ("load", "themes", "pages"))


def print_table(results: list[dict]) -> None:
    print("\nper stage: seconds (peak MB of the main process)")
    header = f"{'papers':>7} {'load':>14} {'themes':>14} {'pages':>14} {'generator':>9} {'mkdocs (build)':>15}"
    print(header)
    for r in results:
        s = r["stages"]
        cell = lambda name: f"{s[name]['seconds']:6.2f} ({s[name]['peak_mb']:5.0f})" if name in s else "-"  # noqa: E731
        generator = generator_seconds(r)
        print(f"{r['count']:>7} {cell('load'):>14} {cell('themes'):>14} {cell('pages'):>14} "
              f"{generator:>9.2f} {cell('mkdocs'):>15}")
    print("\nCPU seconds of the generator stages (every process), and creating as many empty files here")
    print(f"{'papers':>7} {'load':>7} {'themes':>7} {'pages':>7} {'generator':>9} {'empty files':>11}")
    for r in results:
        cpu = {name: r["stages"][name]["cpu"] for name in ("load", "themes", "pages")}
        print(f"{r['count']:>7} {cpu['load']:>7.2f} {cpu['themes']:>7.2f} {cpu['pages']:>7.2f} "
              f"{sum(cpu.values()):>9.2f} {r['creating']:>11.2f}")
    print(f"\n{'papers':>7} {'themes':>6} {'site MB':>8} {'B/paper page':>12} {'index B/paper':>13} "
          f"{'titles missed':>13} {'build s':>8} {'plain mkdocs s':>14} {'ratio':>6} {'generator/plain':>15}")
    for r in results:
        if "site" not in r:
            continue
        site, ratio = r["site"], r["ratio"]
        print(f"{r['count']:>7} {r['stages']['themes_count']:>6} {site['site_mb']:>8.1f} {site['page_bytes']:>12.0f} "
              f"{site['index_per_paper']:>13.0f} {site['titles_missing']:>13} {ratio['whole']:>8.1f} "
              f"{ratio['plain']:>14.1f} {ratio['ratio']:>6.2f} {generator_seconds(r) / ratio['plain']:>15.3f}")
    sized = [r for r in results if "site" in r]
    if len(sized) >= 2:
        print(f"\nbytes per paper page, {sized[-1]['count']:,} vs {sized[0]['count']:,} papers: "
              f"{sized[-1]['site']['page_bytes'] / sized[0]['site']['page_bytes']:.2f}x")
    for r in results:
        if "preview" in r:
            latency = r["preview"]
            shown = f"{latency:.2f} s" if latency is not None else "not seen within 60 s"
            print(f"live preview at {r['count']:,} papers (with a theme lock): an edited entry shows on its page "
                  f"after {shown}")
        workers = r["stages"].get("worker_peak_mb")
        if workers:
            print(f"{r['count']:>7} papers: page workers peaked at {workers:.0f} MB each")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--keep", type=Path, help="build the lists here and keep them")
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--render", action=argparse.BooleanOptionalAction, default=True, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages:
        print(json.dumps(measure_stages(args.stages, args.render)))
        return
    print(f"machine: {machine()}")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="readinglist-scale-"))
    try:
        results = []
        for count in (int(size) for size in args.sizes.split(",")):
            results.append(run_size(count, workdir))
            print(f"  {count:,} papers measured", file=sys.stderr, flush=True)
        print_table(results)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
