"""Command-line interface: argument parsing only; the work is done elsewhere."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from docpub import __version__
from docpub.errors import DocpubError, ManyErrors, Problem
from docpub.outdir import Terminated

if TYPE_CHECKING:
    from docpub.config import Edition, SiteConfig
    from docpub.model import Document

Command = Callable[[argparse.Namespace], int]


def _cmd_build(args: argparse.Namespace) -> int:
    from docpub.work import importing

    with importing():
        from docpub.config import load_config
        from docpub.progress import progress_bar
        from docpub.site import build, default_jobs

    config = load_config(Path(args.site_dir))
    out = Path(args.out) if args.out else config.root / "build" / "site"
    cores = default_jobs()
    jobs = args.jobs if args.jobs is not None else cores
    if jobs > cores and not args.scheduler:  # (build() keeps to the cores: this says so)
        print(f"docpub: -j {jobs}: this machine lets docpub use {cores} core(s); "
              f"building on {cores} process(es)", file=sys.stderr)
    try:
        with progress_bar(sys.stderr) as progress:
            report = build(config, out, pdf=not args.no_pdf, use_cache=not args.no_cache, jobs=jobs,
                           scheduler=args.scheduler or "", progress=progress, search=not args.no_search)
    except OSError as exc:
        if exc.filename is not None or args.debug:
            raise
        # A write that names no file (a full disk, say): the output and its cache were being written.
        raise DocpubError(str(out), None, f"cannot write the site or its cache beside it: {exc.strerror or exc}; "
                          "the previous output is unchanged") from None
    print(f"built {report.documents} document(s) in {report.editions} edition(s): "
          f"{report.files} files in {report.out} ({report.rendered} rendered, {report.reused} reused)")
    return 0


def _whole(value: str, low: int, high: int | None, reason: str) -> int:
    """An option's whole number from ``low`` to ``high`` (None: no bound), else a usage error."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{value}'") from None
    if n < low or (high is not None and n > high):
        raise argparse.ArgumentTypeError(reason)
    return n


def _named(value: str) -> str:
    """A folder, file, address or name: an empty one (a script's unset variable) is a usage
    error, not the current folder, the default output or, for ``--host``, every network."""
    if not value:
        raise argparse.ArgumentTypeError("is empty")
    return value


def _jobs(value: str) -> int:
    return _whole(value, 1, None, "must be at least 1")


def _port(value: str) -> int:
    return _whole(value, 0, 65535, "a port is a number from 0 to 65535")


def _cmd_model(args: argparse.Namespace) -> int:
    from docpub.config import find_site_root, load_config
    from docpub.content import check_size, read_document
    from docpub.transforms.citations import link_citations
    from docpub.transforms.editions import convert_document, converter_for
    from docpub.writers.json import model_to_json

    path = Path(args.file)
    config = load_config(find_site_root(path))
    check_size(path, config)
    doc = link_citations(read_document(path, config), urls=config.urls)
    if args.edition:
        doc = convert_document(doc, converter=converter_for(config.edition(args.edition), config.root))
    sys.stdout.write(model_to_json(doc))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from docpub.check import check_site, format_problems

    problems = check_site(Path(args.site_dir))
    print(format_problems(problems))
    failing = [p for p in problems if p.severity == "error" or args.strict]
    return 1 if failing else 0


def _cmd_review(args: argparse.Namespace) -> int:
    from docpub.config import load_config
    from docpub.content import load_documents, select_documents
    from docpub.review import AMBIGUOUS_FILE, format_table, load_ambiguous, review
    from docpub.transforms.editions import converter_for

    config = load_config(Path(args.site_dir))
    editions = [config.edition(args.edition)] if args.edition else [e for e in config.editions if e.opencc]
    docs = select_documents(config, args.doc) if args.doc else load_documents(config)
    if args.entries:
        return _print_audit(config, editions, docs)
    converters = [converter_for(e, config.root) for e in editions]
    table = load_ambiguous(config.root / AMBIGUOUS_FILE, site=config.root)
    for doc in docs:
        for converter in converters:
            print(f"== {doc.id} · {converter.tag}")
            print(format_table(review(doc, converter=converter, table=table)))
    return 0


def _print_audit(config: SiteConfig, editions: list[Edition], docs: Sequence[Document]) -> int:
    from docpub.audit import audit, edition_entries, format_audit
    from docpub.review import iter_texts
    from docpub.transforms.editions import converter_for

    texts = [text for doc in docs for _, text in iter_texts(doc)]
    for edition in editions:
        entries, forms = edition_entries(edition, config.root)
        print(format_audit(edition.tag, audit(converter_for(edition, config.root), entries, forms, texts=texts)))
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from docpub.newsite import create_site
    from docpub.templating import DEFAULT_THEME

    site = create_site(Path(args.dir))
    print(f"created a site in {site.root} ({len(site.files)} files):")
    for rel in site.files:
        print(f"  {rel}")
    print(f"build it with 'docpub build {args.dir}', preview it with 'docpub serve {args.dir}';")
    print(f"to change the look, copy a file of the default theme ({DEFAULT_THEME}) into its templates/")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from docpub.serve import ServeOptions, serve

    return serve(Path(args.site_dir), ServeOptions(host=args.host, port=args.port, pdf=args.pdf))


def _cmd_import(args: argparse.Namespace) -> int:
    from docpub.importer import run_import

    return run_import(args)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="docpub", description="Publish UN documents as a site and PDFs.")
    p.add_argument("--version", action="version", version=f"docpub {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the site (HTML and PDF, every edition)")
    b.add_argument("site_dir", nargs="?", default=".", type=_named, metavar="SITE_DIR")
    b.add_argument("--out", type=_named, metavar="DIR", help="output folder (default SITE_DIR/build/site)")
    b.add_argument("--no-pdf", action="store_true", help="skip the PDFs (faster previews)")
    b.add_argument("--no-search", action="store_true", help="leave the search index out (faster previews)")
    b.add_argument("--no-cache", action="store_true",
                   help="render every page and PDF again instead of reusing unchanged ones")
    b.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                   help="render on N processes (default and most: the number of cores; 1: in this process); "
                        "with --scheduler the cluster's workers render, and N Pagefind programs at most index "
                        "the search here")
    b.add_argument("--scheduler", type=_named, metavar="tcp://HOST:PORT",
                   help="render on the workers of this Dask scheduler (needs docpub[cluster])")
    b.set_defaults(func=_cmd_build)

    m = sub.add_parser("model", help="print a document's model as JSON")
    m.add_argument("file", type=_named, metavar="FILE")
    m.add_argument("--edition", type=_named, metavar="TAG", help="convert to this edition first")
    m.set_defaults(func=_cmd_model)

    c = sub.add_parser("check", help="validate config, content and templates; report every problem")
    c.add_argument("site_dir", nargs="?", default=".", type=_named, metavar="SITE_DIR")
    c.add_argument("--strict", action="store_true", help="warnings fail too")
    c.set_defaults(func=_cmd_check)

    r = sub.add_parser("review", help="list one-to-many conversions and glossary hits for editors")
    r.add_argument("site_dir", nargs="?", default=".", type=_named, metavar="SITE_DIR")
    r.add_argument("--edition", type=_named, metavar="TAG")
    r.add_argument("--doc", action="append", type=_named, metavar="DOC-ID",
                   help="this document only (its folder's name in content/; again for more); "
                        "with --entries, the uses are counted in these documents")
    r.add_argument("--entries", action="store_true",
                   help="list every glossary entry and character form the edition applies, with its reason and uses")
    r.set_defaults(func=_cmd_review)

    n = sub.add_parser("new", help="create a new site: config, a sample document, the glossaries")
    n.add_argument("dir", type=_named, metavar="DIR", help="a new or empty folder")
    n.set_defaults(func=_cmd_new)

    s = sub.add_parser("serve", help="build, serve on localhost, rebuild and reload pages on change")
    s.add_argument("site_dir", nargs="?", default=".", type=_named, metavar="SITE_DIR")
    s.add_argument("--port", type=_port, default=8000, metavar="N", help="port (default 8000; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1", type=_named, metavar="H",
                   help="address to listen on (default 127.0.0.1)")
    s.add_argument("--pdf", action="store_true", help="build the PDFs too (slower rebuilds)")
    s.set_defaults(func=_cmd_serve)

    i = sub.add_parser("import", help="turn a UN plain-text document into a content file")
    i.add_argument("input", type=_named, metavar="INPUT.txt", help="the extracted text, or - for stdin")
    i.add_argument("--id", dest="doc_id", type=_named, metavar="DOC-ID", help="document id (default: the file name)")
    i.add_argument("--site", default=".", type=_named, metavar="DIR", help="the site folder (default .)")
    i.add_argument("--force", action="store_true", help="overwrite an existing content file")
    i.add_argument("--stdout", action="store_true", help="print the Markdown instead of writing it")
    i.add_argument("--title-en", dest="title_en", metavar="TEXT", help="the letter's English title")
    i.add_argument("--author-en", dest="author_en", metavar="TEXT", help="the signer's title in English")
    i.add_argument("--annex-title-en", dest="annex_title_en", metavar="TEXT", help="the annex's English title")
    i.add_argument("--symbol", metavar="SYMBOL", help="the document symbol, when it is known (S/2020/1234)")
    i.set_defaults(func=_cmd_import)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ManyErrors as exc:
        if args.debug:
            raise
        for problem in exc.problems:
            print(f"docpub: {problem}", file=sys.stderr)
        return 1
    except DocpubError as exc:
        if args.debug:
            raise
        print(f"docpub: {exc.problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of our output went away (`docpub review | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("docpub: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Terminated:
        print("docpub: terminated; the previous output is unchanged", file=sys.stderr)
        return 143
    except OSError as exc:  # the machine's side: a read-only or full disk, a file where a folder must be
        if args.debug:
            raise
        print(f"docpub: {os_error(exc)}", file=sys.stderr)
        return 1


def run() -> NoReturn:
    """The ``docpub`` command: ``main``, then the process ends at once.

    Everything a command opens is closed by the time ``main`` returns (output swapped in,
    workers joined, temporary folders removed), so what the interpreter would do next is
    only freeing a build's objects one by one: about a twentieth of a one-document edit of a
    large archive. The output streams are flushed first.
    """
    for stream in (sys.stdout, sys.stderr):
        # Where the output's encoding cannot write Chinese (a legacy locale such as
        # en_US.ISO-8859-1, a PYTHONIOENCODING), what it cannot write comes as \\u escapes:
        # a build that succeeded ended in a traceback printing its summary, an error line too.
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage writes its figures as the interpreter ends
    if "multiprocessing.forkserver" in sys.modules:
        # Workers came from a fork server (a progress bar or a server's thread ran): its socket
        # is in a folder of the system's temporary folder that multiprocessing removes as the
        # interpreter ends; ended at once, this process would leave one there a build.
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader of our output went away
        pass
    os._exit(code)


def os_error(exc: OSError) -> Problem:
    """A failed read or write of the machine's files, as one line."""
    where = exc.filename if exc.filename is not None else "docpub"
    reason = exc.strerror or str(exc)
    if exc.filename2 is not None:
        reason += f" ({exc.filename2})"
    return Problem(str(where), None, reason)


if __name__ == "__main__":
    run()
