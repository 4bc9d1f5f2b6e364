"""The authors' and instructors' commands of ``python -m course`` (registered on import).

    execute NOTEBOOK …              run notebooks headless and save their outputs
    readme                          regenerate README.md's generated blocks from course.toml

    nav [--check] [NOTEBOOK …]      notebook navigation cells and notebooks/00_index.ipynb
    book [--out DIR] [--serve [--no-build]]
                                    the HTML book in site/, from the committed notebooks
    classroom [--check]             .github/workflows/classroom.yml for GitHub Classroom
    schedule [--write | --check]    a workshop schedule from each chapter's minutes
    gradebook A.json B.json … [--csv FILE]   merge learners' reports into one gradebook
    handout [-o FILE]               the exercises-only handout as HTML
    generate [--check]              all of the generated files at once (README table, nav,
                                    classroom.yml, schedule, exercises/.stubs.sha256)
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from course.cli.registry import command
from course.grading import toc


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(toc.ROOT))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- nav
def _nav_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebooks", nargs="*", type=Path,
                   help="notebooks to update (default: the index and every ready chapter's)")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if any notebook's navigation is out of date")


@command("nav", _nav_args)
def cmd_nav(args: argparse.Namespace) -> int:
    """Write the prev/contents/next cells of the notebooks (and the index) from course.toml."""
    from course.teaching import nav
    stale = nav.sync(args.notebooks or None, check=args.check)
    if args.check:
        for path in stale:
            print(f"  ✗ {_rel(path)}: navigation is out of date")
        if stale:
            print("Fix: python -m course nav", file=sys.stderr)
            return 1
        print("Notebook navigation is up to date.")
        return 0
    for path in stale:
        print(f"  updated {_rel(path)}")
    print(f"{len(stale)} notebook(s) updated." if stale else "Notebook navigation is up to date.")
    return 0


# ----------------------------------------------------------------------------- book
def _book_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None, help="output folder (default: site/)")
    p.add_argument("--serve", action="store_true", help="then serve it on 127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="port for --serve (default: a free one)")
    p.add_argument("--no-build", action="store_true",
                   help="with --serve: serve the book already built, do not rebuild it")


@command("book", _book_args)
def cmd_book(args: argparse.Namespace) -> int:
    """Build the HTML book (site/) from the committed notebooks; --serve to read it."""
    from course.teaching import book
    out = args.out or book.DEFAULT_OUT
    if args.no_build and args.serve:
        if not (Path(out) / "index.html").exists():
            print(f"error: there is no book in {_rel(out)}/ yet. "
                  "Fix: python -m course book (without --no-build)", file=sys.stderr)
            return 2
    else:
        started = time.monotonic()
        print(f"Building the book into {_rel(out)}/ …", flush=True)
        try:
            pages = book.build(out)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{len(pages)} pages in {time.monotonic() - started:.1f} s: "
              f"open {_rel(Path(out) / 'index.html')}")
    if not args.serve:
        return 0
    try:
        server = book.serve(Path(out), args.port)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}\n"
              "  Fix: pick another --port, or leave it out for a free one.", file=sys.stderr)
        return 2
    print(f"Serving the book at http://127.0.0.1:{server.server_address[1]}/ "
          "(Ctrl-C to stop)", flush=True)

    def stop(signum, frame):  # SIGTERM stops it as cleanly as Ctrl-C
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.shutdown()
        server.server_close()
    return 0


# ----------------------------------------------------------------------------- classroom
def _check_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if the file is out of date")


@command("classroom", _check_arg)
def cmd_classroom(args: argparse.Namespace) -> int:
    """Write .github/workflows/classroom.yml (GitHub Classroom autograding) from course.toml."""
    from course.teaching import classroom, generated
    rel = _rel(classroom.WORKFLOW)
    t = toc.load()
    if args.check:
        stale = generated.sync([classroom.workflow_output(t)], check=True)
        if stale:
            print(f"✗ {rel} is out of date. Fix: python -m course classroom", file=sys.stderr)
            return 1
        print(f"{rel} is up to date.")
        return 0
    changed = classroom.write_workflow(t)
    print(f"{rel}: {len(t.exercises)} graded steps, "
          f"{sum(e.points for e in t.exercises)} points -- "
          + ("written." if changed else "already up to date."))
    return 0


def _schedule_args(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="update chapters/INSTRUCTORS.md")
    g.add_argument("--check", action="store_true",
                   help="exit 1 if chapters/INSTRUCTORS.md's schedule is out of date")


@command("schedule", _schedule_args)
def cmd_schedule(args: argparse.Namespace) -> int:
    """Print a workshop schedule built from each chapter's minutes (--write: INSTRUCTORS.md)."""
    from course.teaching import classroom
    text = classroom.schedule_markdown()
    if args.check:
        if classroom.instructors_schedule_block() != text:
            print("✗ chapters/INSTRUCTORS.md's schedule is out of date. "
                  "Fix: python -m course schedule --write", file=sys.stderr)
            return 1
        print("chapters/INSTRUCTORS.md's schedule is up to date.")
        return 0
    if args.write:
        changed = classroom.update_instructors()
        print("chapters/INSTRUCTORS.md schedule "
              + ("updated." if changed else "already up to date."))
        return 0
    print(text)
    return 0


# ----------------------------------------------------------------------------- gradebook
def _gradebook_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json",
                   help="learners' reports from `python -m course report --json FILE`")
    p.add_argument("--csv", dest="csv_path", type=Path,
                   help="write the gradebook here (default: print it as CSV)")


@command("gradebook", _gradebook_args)
def cmd_gradebook(args: argparse.Namespace) -> int:
    """Merge learners' JSON reports into one gradebook: a row per learner, a column per exercise."""
    from course.teaching import gradebook
    try:
        book = gradebook.merge(args.reports)
    except gradebook.ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.csv_path:
        args.csv_path.write_text(book.csv())
        print(book.text())
        print(f"\n{len(book.rows)} learner(s), {len(book.exercises)} exercise(s): "
              f"wrote {args.csv_path}")
    else:
        sys.stdout.write(book.csv())
    return 0


# ----------------------------------------------------------------------------- handout
def _handout_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="where to write it (default: handout.html)")
    p.add_argument("chapters", nargs="*", type=int, metavar="N",
                   help="only these chapters (default: all with exercises)")


@command("handout", _handout_args)
def cmd_handout(args: argparse.Namespace) -> int:
    """Write the exercises-only handout (HTML): each exercise's id, file, points and task."""
    from course.teaching import handout
    out = args.out or Path("handout.html")
    t = toc.load()
    for n in args.chapters:
        t.chapter(n)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(handout.handout_html(t, args.chapters or None))
    count = sum(1 for e in t.exercises if not args.chapters or e.chapter in args.chapters)
    print(f"{count} exercise(s) written to {_rel(out)}")
    return 0


# ----------------------------------------------------------------------------- generate
@command("generate", _check_arg)
def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate everything made from course.toml: README, nav, classroom.yml, schedule, stubs."""
    from course.grading import stubs
    from course.teaching import classroom, generated, nav, readme
    t = toc.load()
    outputs = [*nav.outputs(t=t), classroom.workflow_output(t), classroom.instructors_output(t),
               stubs.manifest_output(t)]
    if readme.README.exists():
        outputs.append(readme.output(t))
    paths = [_rel(path) for path in generated.sync(outputs, check=args.check)]
    if args.check:
        for name in paths:
            print(f"  ✗ {name} is out of date")
        print("Fix: python -m course generate" if paths
              else "Everything is in step with course.toml.")
        return 1 if paths else 0
    for name in paths:
        print(f"  updated {name}")
    print(f"{len(paths)} file(s) updated." if paths
          else "Everything is in step with course.toml.")
    return 0


# ----------------------------------------------------------------------------- authors
def _execute_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebooks", nargs="+", type=Path)
    p.add_argument("--no-write", action="store_true", help="run only; do not save outputs")


@command("execute", _execute_args)
def cmd_execute(args: argparse.Namespace) -> int:
    """Run notebooks headless and save their outputs (for authors)."""
    from course.teaching.notebooks import BUDGET_SECONDS, execute
    for nb in args.notebooks:
        print(f"executing {nb} …", flush=True)
        took = execute(nb, write=not args.no_write)
        print(f"  done in {took:.1f} s{'' if args.no_write else ', outputs saved'}")
        if took > BUDGET_SECONDS:
            print(f"  warning: over the {BUDGET_SECONDS} s budget of a notebook; shorten it")
    return 0


@command("readme")
def cmd_readme(args: argparse.Namespace) -> int:
    """Regenerate README.md's chapter table from course.toml (for authors)."""
    from course.teaching.readme import update_readme
    changed = update_readme()
    print("README.md generated parts " + ("updated." if changed else "already up to date."))
    return 0


