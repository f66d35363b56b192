"""`rasidegi` — the command line (interchange §5 for `review`; the other commands are the product's own).

    rasidegi review BATCH.json [BATCH.json …] --out RESULT.json [--db URL] [--tariff T.csv] [--params P.yaml]
    rasidegi demo            review the shipped demo batch on the embedded database and print its totals, then open
                             the reviewer's desk on it when a display is present (--gui / --no-gui to choose)
    rasidegi gui [--db URL] [BATCH.json]   the reviewer's desk (PySide6); BATCH.json is imported first
    rasidegi rules check F   validate a rule-pack file before an administrator installs it
    rasidegi rules install F validate it and install it for this office (takes effect at the next review)
    rasidegi rules list      the rules in force, with their ids and dates
    rasidegi verify SHEET.pdf            is a printed sheet or report authentic and unchanged
    rasidegi report --provider CODE --from yyyy/mm --to yyyy/mm --out REPORT.pdf [--db URL]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from desktop.domain.problems import InputError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 2, 1


def _print_problems(problems, stream=None):
    stream = stream or sys.stderr
    for p in problems[:200]:
        print(p.format_en(), file=stream)
        print(p.format_fa(), file=stream)
    if len(problems) > 200:
        print(f"… and {len(problems) - 200} more problems / و {len(problems) - 200} مشکل دیگر", file=stream)


def _write_json(path: str, data) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    # compact, Persian as is: json.dumps(data, ensure_ascii=False, separators=(",", ":")) byte for byte, written
    # by orjson (100,000 documents: ~0.1 s instead of ~1 s, and 26 MB of bytes instead of a 52 MB str)
    from desktop.store.jsontext import dumps_file

    out = dumps_file(data)
    with open(tmp, "wb") as fh:
        fh.write(out)
        fh.write(os.linesep.encode())     # as the text-mode file wrote it before ("\r\n" on Windows)
    del out
    os.replace(tmp, p)


def _summary(result: dict, stream=None) -> None:
    stream = stream or sys.stdout
    t = result["totals"]
    docs = result.get("prescriptions", []) + result.get("bills", [])
    marks = {m: sum(1 for d in docs if d["mark"] == m) for m in ("tick", "circle", "zero")}
    print(f"batch / فهرست: {result['batch_id']}", file=stream)
    print(f"  documents / اسناد: {len(docs)}  (tick ✓ {marks['tick']}, circle ◯ {marks['circle']}, "
          f"zero 0 {marks['zero']})", file=stream)
    for key, fa in (("requested", "درخواستی"), ("approved", "تأیید شده"), ("deducted", "کسور"),
                    ("insured_share", "سهم بیمه‌شده"), ("org_share", "سهم سازمان")):
        print(f"  {key} / {fa}: {t[key]:,} Rials", file=stream)
    if t["by_rule"]:
        print("  deductions by clause / کسور به تفکیک بند:", file=stream)
        for rule, amount in list(t["by_rule"].items())[:15]:
            print(f"    {rule:<12} {amount:>16,}", file=stream)
    review = sum(1 for d in docs for f in d["findings"] if f["severity"] == "review")
    if review:
        print(f"  findings for the reviewer to decide / موارد نیازمند تصمیم کارشناس: {review}", file=stream)
    if result.get("sample_reference"):
        print("  NOTE: priced with the SAMPLE tariff/parameters (not official) / "
              "توجه: با تعرفه و پارامترهای نمونه محاسبه شد", file=stream)


def cmd_review(args) -> int:
    from desktop.pipeline import review_files

    from desktop.store import StoreError

    try:
        run = review_files(args.batches, db_url=args.db, tariff=args.tariff, params=args.params)
    except InputError as exc:
        _print_problems(exc.problems)
        return EXIT_INVALID
    except StoreError as exc:
        print(f"database: {exc.message_en}", file=sys.stderr)
        print(f"پایگاه داده: {exc.message_fa}", file=sys.stderr)
        return EXIT_INVALID if exc.code in ("bad_input", "signed_batch") else EXIT_ERROR
    for note in run.notes:
        print(note, file=sys.stderr)
    if args.out:
        _write_json(args.out, run.results[-1])
    if args.out_dir:
        for r in run.results:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in r["batch_id"])
            _write_json(str(Path(args.out_dir) / f"{safe}.result.json"), r)
    if args.sheet:
        try:
            from desktop.printing.sheet import write_sheet
            from desktop.store import Store
        except ImportError:
            print("the adjustment sheet is not available in this build / برگ تعدیلات در این نسخه در دسترس نیست",
                  file=sys.stderr)
            return EXIT_ERROR
        try:
            with Store.open(args.db) as store:
                info = write_sheet(run.results[-1], args.sheet, store=store)
        except InputError as exc:
            _print_problems(exc.problems)
            return EXIT_INVALID
        if not args.quiet:
            print(f"sheet / برگ تعدیلات: {info.path} (version / نسخهٔ {info.version}, {info.pages} pages / صفحه, "
                  f"verification code / کد تأیید {info.code})")
    if not args.quiet:
        for r in run.results:
            _summary(r)
    return EXIT_OK


def cmd_demo(args) -> int:
    from desktop.paths import resources_dir, user_data_dir

    demo = resources_dir() / "demo"
    files = [str(demo / "demo-history.json"), str(demo / "demo-batch.json")]
    files = [f for f in files if Path(f).exists()]
    out = args.out or str(user_data_dir() / "demo-result.json")
    ns = argparse.Namespace(batches=files, out=out, out_dir=None, db=args.db, tariff=None, params=None,
                            sheet=None, quiet=False)
    rc = cmd_review(ns)
    if rc == EXIT_OK:
        print(f"result written to / نتیجه در: {out}")
        if _wants_gui(args):
            try:
                batch_id = json.loads(Path(out).read_text(encoding="utf-8"))["batch_id"]
            except (OSError, ValueError, KeyError):
                batch_id = None
            return _run_gui(db_url=args.db, open_batch_id=batch_id, first_run=False)
    return rc


def _wants_gui(args) -> bool:
    """--gui, or a display (X11/Wayland; Windows and macOS always have one) unless --no-gui."""
    if getattr(args, "no_gui", False):
        return False
    if getattr(args, "gui", False):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32",
                                                                                                     "darwin")


def _run_gui(batch: str | None = None, *, db_url: str | None = None, open_batch_id: str | None = None,
             first_run: bool = True) -> int:
    try:
        from desktop.ui.app import main as gui_main
    except ImportError as exc:
        print(f"the desk needs PySide6 ({exc}) / برای میز رسیدگی PySide6 لازم است", file=sys.stderr)
        return EXIT_ERROR
    return gui_main(batch, db_url=db_url, open_batch_id=open_batch_id, first_run=first_run)


def cmd_gui(args) -> int:
    return _run_gui(args.batch, db_url=args.db)


def cmd_rules(args) -> int:
    from desktop.engine.rules import load_pack, load_rules

    if args.action == "install":
        from desktop.engine.rules import install_pack
        ok = True
        for f in args.files:
            dest, problems = install_pack(f)
            if problems:
                ok = False
                _print_problems(problems)
                print(f"{f}: not installed / نصب نشد", file=sys.stderr)
            else:
                print(f"{f}: installed as {dest} / نصب شد")
        return EXIT_OK if ok else EXIT_INVALID
    if args.action == "check":
        ok = True
        for f in args.files:
            pack, problems = load_pack(f)
            if problems:
                ok = False
                _print_problems(problems)
            else:
                print(f"{f}: {len(pack.rules)} rules OK / {len(pack.rules)} قاعده معتبر است")
        return EXIT_OK if ok else EXIT_INVALID
    try:
        rules = load_rules()
    except InputError as exc:
        _print_problems(exc.problems)
        return EXIT_INVALID
    for r in rules.rules:
        frm = str(r.eff_from) if r.eff_from else "—"
        to = str(r.eff_to) if r.eff_to else "—"
        print(f"{r.id:<14} {r.check:<22} {r.action:<18} {frm} … {to}  {r.pack}")
    print(f"rules version: {rules.version}")
    return EXIT_OK


def cmd_verify(args) -> int:
    from desktop.printing.verify import verify_pdf

    store = None
    if args.db:                     # also look the document up in that database's register of issued documents
        from desktop.store import Store, StoreError
        try:
            store = Store.open(args.db)
        except StoreError as exc:
            print(f"database: {exc.message_en}\nپایگاه داده: {exc.message_fa}", file=sys.stderr)
            return EXIT_ERROR
    ok = True
    try:
        for f in args.files:
            outcome = verify_pdf(f, store=store)
            print(f"{f}:")
            print(outcome.summary_en())
            print(outcome.summary_fa())
            ok = ok and outcome.ok
    finally:
        if store is not None:
            store.close()
    return EXIT_OK if ok else EXIT_INVALID


def cmd_report(args) -> int:
    from desktop.printing.report import write_report
    from desktop.store import Store, StoreError

    try:
        with Store.open(args.db) as store:
            info = write_report(store, args.provider, args.first, args.last, args.out,
                                received_on=args.received_on)
    except InputError as exc:
        _print_problems(exc.problems)
        return EXIT_INVALID
    except StoreError as exc:
        print(exc.message_en, file=sys.stderr)
        print(exc.message_fa, file=sys.stderr)
        return EXIT_ERROR
    print(f"performance report / گزارش عملکرد: {info.path} ({len(info.batches)} batches / فهرست, "
          f"{info.pages} pages / صفحه)")
    print(f"  last day for objections / آخرین مهلت اعتراض: {info.objection_deadline}")
    print(f"  verification code / کد تأیید: {info.code}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="rasidegi", description="رسیدگی — medical-document review workstation")
    ap.add_argument("-v", "--verbose", action="store_true")
    sub = ap.add_subparsers(dest="command", required=True)

    r = sub.add_parser("review", help="review claim-batch/1 files and write review-result/1")
    r.add_argument("batches", nargs="+", metavar="BATCH.json")
    r.add_argument("--out", metavar="RESULT.json", help="the result of the last batch (earlier files are history)")
    r.add_argument("--out-dir", metavar="DIR", help="also write every batch's result into DIR")
    r.add_argument("--db", metavar="URL", help="database URL (default: embedded SQLite in the user data folder)")
    r.add_argument("--tariff", metavar="TARIFF.csv", help="tariff rows that overlay the loaded tariff book")
    r.add_argument("--params", metavar="PARAMS.yaml", help="parameters that overlay the loaded parameters")
    r.add_argument("--sheet", metavar="SHEET.pdf", help="also write the printed adjustment sheet")
    r.add_argument("-q", "--quiet", action="store_true")
    r.set_defaults(func=cmd_review)

    d = sub.add_parser("demo", help="review the shipped demo batch and print its totals")
    d.add_argument("--db", metavar="URL")
    d.add_argument("--out", metavar="RESULT.json")
    g = d.add_mutually_exclusive_group()
    g.add_argument("--gui", action="store_true", help="open the reviewer's desk on the demo batch afterwards")
    g.add_argument("--no-gui", action="store_true", help="only print the totals, even when a display is present")
    d.set_defaults(func=cmd_demo)

    gu = sub.add_parser("gui", help="the reviewer's desk (log in, import, review and mark batches)")
    gu.add_argument("batch", nargs="?", metavar="BATCH.json", help="a claim-batch/1 file to import first")
    gu.add_argument("--db", metavar="URL", help="database URL (default: embedded SQLite in the user data folder)")
    gu.set_defaults(func=cmd_gui)

    ru = sub.add_parser("rules", help="list the rules in force, or check a rule-pack file")
    ru.add_argument("action", choices=["list", "check", "install"])
    ru.add_argument("files", nargs="*")
    ru.set_defaults(func=cmd_rules)

    v = sub.add_parser("verify", help="say whether a printed sheet or report is authentic and unchanged")
    v.add_argument("files", nargs="+", metavar="SHEET.pdf")
    v.add_argument("--db", metavar="URL", help="also check the database's register of issued sheets and reports "
                                                "(refuses a print preview that was never issued; notes a replaced "
                                                "version)")
    v.set_defaults(func=cmd_verify)

    rp = sub.add_parser("report", help="the provider's performance report (up to three months)")
    rp.add_argument("--provider", required=True, metavar="CODE", help="the provider's code")
    rp.add_argument("--from", dest="first", required=True, metavar="yyyy/mm")
    rp.add_argument("--to", dest="last", required=True, metavar="yyyy/mm")
    rp.add_argument("--out", required=True, metavar="REPORT.pdf")
    rp.add_argument("--received-on", metavar="yyyy/mm/dd",
                    help="the day the provider receives the report (default today); objections close 15 days later")
    rp.add_argument("--db", metavar="URL")
    rp.set_defaults(func=cmd_report)
    return ap


def main(argv=None) -> int:
    for stream in (sys.stdout, sys.stderr):      # Persian output on a Windows console or pipe (cp1252 otherwise)
        if hasattr(stream, "reconfigure") and (getattr(stream, "encoding", "") or "").lower() not in ("utf-8", "utf8"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
