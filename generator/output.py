"""The output edge: writing the generated docs and rendering them with MkDocs into site/."""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import functools
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, Sequence

import yaml

from generator import parallel as cores
from generator.errors import BuildError, ReadingListError
from generator.mkdocs_build import build_site
from generator.parallel import run_jobs
from generator.project import Project


def refuse_linked_outputs(project: Project) -> None:
    """Check the output folders before a build writes to them.

    Outputs are replaced wholesale, so a symbolic link among them could aim those writes at content/;
    and a build killed in the middle of replacing a folder (where renames cannot swap two folders in
    one step) left the previous one aside, which is put back.
    """
    for folder in (project.build_dir, project.docs_dir, project.site_dir):
        for path in (folder, folder.with_name(folder.name + ".tmp"), folder.with_name(folder.name + ".old")):
            if path.is_symlink():
                raise ReadingListError(f"{project.relative(path.parent)}/{path.name} is a symbolic link; "
                                       "outputs must be plain folders (remove the link)")
            if path.exists() and not path.is_dir():
                # a swap would put the file aside and leave it where the next build stages its folder
                raise ReadingListError(f"{project.relative(path.parent)}/{path.name} is a file, where the build "
                                       "writes a folder; move it away")
    recover_swap(project.site_dir)


def write_changed(root: Path, files: dict[str, str]) -> list[str]:
    """Write only files whose text changed and drop stale ones (keeps live reload from looping)."""
    return write_rendered(root, [(rel, functools.partial(str, text)) for rel, text in files.items()], parallel=False)


def write_rendered(root: Path, jobs: list[tuple[str, Callable[[], str]]], parallel: bool = True,
                   before: frozenset[str] | None = None) -> list[str]:
    """Make each (root-relative path, make its text) job and write the files whose text changed; drop stale
    files. Returns the paths changed, in order. Given the files that existed `before` a `Reservation` of some
    of the jobs' files began, only those are read for comparison (the others it made empty) and the folder
    is not listed again.

    On long lists the jobs run on every core and each process writes the files it made, so the texts
    (about 100 MB at 10,000 papers) are never passed back to this one.
    """
    try:
        # the files a Reservation made since `before` are all among the jobs: none of them is stale
        existing = existing_files(root) if before is None else before
        for folder in folders_of(root, [rel for rel, _ in jobs]):
            os.makedirs(folder, exist_ok=True)
        written = run_jobs(jobs, "Writing pages", parallel, functools.partial(write_if_changed, root, existing))
        stale = sorted(existing - written.keys())
        for rel in stale:
            os.unlink(os.path.join(root, rel))
    except OSError as error:
        raise BuildError(f"could not write {root.name}/ ({error.strerror or error}); site/ was left as it "
                         "was") from None
    return sorted([rel for rel, changed in written.items() if changed] + stale)


# Niceness of the process making files ahead: it gets the time the build's other processes leave.
POLITE = 19


class Reservation:
    """The files of pages a build will write, made empty ahead, in the time the theme step leaves idle.

    Creating a file costs this kernel several times what filling it does (0.1-0.5 ms each: 1-5 s
    for 10,000 paper pages in a fresh build/docs), and the paper pages' paths are known as soon as
    the entries are read. A low-priority process makes the missing ones until `stop()`; the page
    workers make whatever it did not reach, and read for comparison only the files that existed
    `before`. Existing files are never touched, so they keep their modification time.
    """

    def __init__(self, root: Path, rels: Sequence[str]):
        self.root = str(root)
        self.before = existing_files(root)
        self.rels = [rel for rel in rels if rel not in self.before]
        self.new_folders = missing_folders(self.root, self.rels)
        self.stop = cores.alongside(functools.partial(create_missing, self.root, self.rels), POLITE) \
            if len(self.rels) >= cores.PARALLEL_FROM else (lambda: None)

    def take_back(self) -> None:
        """After a failed build: the files still empty and the folders left empty go again."""
        self.stop()
        for rel in self.rels:
            path = os.path.join(self.root, rel)
            with contextlib.suppress(OSError):
                if os.path.getsize(path) == 0:
                    os.unlink(path)
        for folder in reversed(self.new_folders):
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only if empty


@contextlib.contextmanager
def reserving(root: Path, rels: Sequence[str]) -> Iterator[Reservation]:
    """A Reservation of these root-relative files for the block; a failure within takes it back."""
    reservation = Reservation(root, rels)
    try:
        yield reservation
    except BaseException:
        reservation.take_back()
        raise
    finally:
        reservation.stop()


def missing_folders(root: str, rels: Sequence[str]) -> list[str]:
    """The folders files at these root-relative paths need that do not exist yet, outermost first."""
    missing: list[str] = []
    for folder in folders_of(root, rels):
        chain = []
        while folder and not os.path.isdir(folder) and folder not in missing:
            chain.append(folder)
            folder = os.path.dirname(folder)
        missing += reversed(chain)
    return missing


def create_missing(root: str, rels: Sequence[str]) -> None:
    """Create, empty, each root-relative file that does not exist yet, with its folders."""
    for folder in folders_of(root, rels):
        os.makedirs(folder, exist_ok=True)
    for rel in rels:
        with contextlib.suppress(FileExistsError):
            os.close(os.open(os.path.join(root, rel), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def folders_of(root: str | Path, rels: Sequence[str]) -> list[str]:
    """The folders that hold files at these root-relative paths, each once, in order."""
    return sorted({os.path.dirname(os.path.join(root, rel)) for rel in rels})


def write_if_changed(root: Path, existing: set[str], rel: str, text: str) -> bool:
    """Write one file unless it holds this text already (plain os calls: on 10,000 pages, pathlib's per-call
    overhead tripled the time of writing). Its folder exists; a file not among `existing` is absent or empty."""
    path = os.path.join(root, rel)
    data = text.encode("utf-8")
    old_size = 0
    if rel in existing:
        old = read_bytes(path)
        if old == data:
            return False
        old_size = len(old)
    write_over(path, data, old_size)
    return True


def write_over(path: str, data: bytes, old_size: int) -> None:
    """Make `data` the file's content by writing over the old one, then cutting what is left past its end.

    The file is never truncated to nothing first (as opening it with "wb" does): on ext4 that marks it
    for writing to disk as soon as it is closed (auto_da_alloc), which made writing 10,000 reserved,
    empty page files four to five times slower in kernel time (0.3 s against 0.07 s here).
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        if old_size > len(data):
            os.ftruncate(descriptor, len(data))
    finally:
        os.close(descriptor)


def existing_files(root: Path) -> set[str]:
    """Every file under root, as root-relative POSIX paths."""
    found = set()
    for folder, _, names in os.walk(root):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return found


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as source:
        return source.read()


def swap_in(staging: Path, target: Path) -> None:
    """Put a finished folder in place of the old one; at no moment is there neither.

    On Linux one renameat2 call exchanges the two folders. Elsewhere the old folder is renamed
    aside first, and recover_swap puts it back if the process dies before the new one is in place.
    """
    recover_swap(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous folder
        return
    retired = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        if retired.exists() and not target.exists():
            retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def recover_swap(target: Path) -> None:
    """Finish what a swap interrupted by a kill left: the previous folder back in place, leftovers removed."""
    retired = target.with_name(target.name + ".old")
    if retired.is_symlink() or not retired.exists():
        return
    if target.exists():
        shutil.rmtree(retired, ignore_errors=True)
    else:
        retired.rename(target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(error, os.strerror(error), str(second))


def write_mkdocs_config(project: Project, config: dict) -> None:
    project.build_dir.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    project.mkdocs_file.write_text(text, encoding="utf-8")


class _CollectWarnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_site(project: Project, build_date: dt.date, strict: bool = True) -> None:
    """Run `mkdocs build` on the generated config into a staging folder, then swap it into site/.

    A failed render leaves the previous site/ as it was.
    """
    import jinja2
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    staging = project.site_dir.with_name(project.site_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    # MkDocs stamps the sitemap (and its gzip header) with this date; pin it to the content.
    epoch = int(dt.datetime.combine(build_date, dt.time(), dt.timezone.utc).timestamp())
    previous_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    collector = _CollectWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(project.mkdocs_file), site_dir=str(staging), strict=strict)
        build_site(config)
    except (MkDocsException, jinja2.TemplateError, SystemExit, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        details = "\n".join(f"  {m}" for m in collector.messages) or f"  {error}"
        raise BuildError(f"MkDocs could not render the site; site/ was left as it was:\n{details}") from None
    except BaseException:
        # Ctrl-C (KeyboardInterrupt) or any bug: the half-rendered copy goes, site/ was never touched.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logger.removeHandler(collector)
        if previous_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous_epoch
    swap_in(staging, project.site_dir)
