"""The facts panel of the document page (desktop/ui/facts_panel.py): every fact the rules read, where the reviewer
looks for it — the paper of a prescription (absent = «طبق ضابطه», false/null = missing in red), the current line's
details following the selected row, a bill's records with the engine's `computed` figures beside them, and the
reviewer-recorded facts marked «ثبت کارشناس».

    xvfb-run -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.test_facts_panel

writes docs/screenshots/prescription-facts.png and bill-facts.png (the whole window at 1366×768).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from desktop.review import labels
from desktop.review.importer import import_files
from desktop.review.session import Place
from desktop.store import Store
from desktop.ui import fmt
from desktop.ui.facts_panel import ABSENT, ABSENT_INK, FACT_ROLE, MISSING_INK, RECORDED

from .conftest import DEMO_FILES, make_window, press

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
HOSPITAL = DEMO / "demo-hospital.json"


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _fact(panel, tab: str, name: str):
    """The shown fact called `name` on a tab (from the model the table draws)."""
    page = panel.page(tab)
    page.flush()
    m = page.model
    for r in range(m.rowCount()):
        for c in range(1, m.columnCount(), 2):
            f = m.index(r, c).data(FACT_ROLE)
            if f is not None and f.name == name:
                return f, m.index(r, c)
    raise AssertionError(f"{name} not on tab {tab}: {page.text()}")


@pytest.fixture
def stamp_batch(tmp_path):
    """The demo month with document 5's paper saying: no council stamp (false), signed, nothing else written."""
    data = json.loads((DEMO / "demo-batch.json").read_text(encoding="utf-8"))
    doc = next(p for p in data["prescriptions"] if p["seq"] == 5)
    doc["paper"] = {"signature": "original", "council_stamp": False}
    path = tmp_path / "stamp.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _window(qtbot, tmp_path, settings, rules, reference, files):
    store = Store.open(f"sqlite:///{tmp_path / 'facts.sqlite'}")
    ids = import_files([str(f) for f in files], store=store, rules=rules, ref=reference).batch_ids
    w = make_window(qtbot, store, settings, rules, reference)
    w.open_batch(ids[-1], background=False)
    return w, store


def test_a_missing_council_stamp_is_shown_missing_and_an_absent_fact_as_it_should_be(
        qtbot, tmp_path, settings, rules, reference, stamp_batch):
    w, store = _window(qtbot, tmp_path, settings, rules, reference, [stamp_batch])
    try:
        w.go_to_document(w.session.index_of("prescription", 5))
        panel = w.paper.facts
        assert panel.currentWidget() is panel.page("paper") and panel.isVisible()
        stamp, idx = _fact(panel, "paper", "مهر نظام پزشکی")
        assert (stamp.text, stamp.tone) == ("ندارد", "missing")
        assert idx.data(Qt.ItemDataRole.ForegroundRole).color() == MISSING_INK
        sig, _ = _fact(panel, "paper", "امضای پزشک")
        assert (sig.text, sig.tone) == ("امضای اصل", "value")
        # absent = as it should be (spec §0), muted
        for name in ("مهر اورژانس", "خدشه", "تعداد دست‌خط", "امضای مسئول فنی"):
            f, idx = _fact(panel, "paper", name)
            assert (f.text, f.tone) == (ABSENT, "absent")
            assert idx.data(Qt.ItemDataRole.ForegroundRole).color() == ABSENT_INK
        # the tab holding the missing stamp is marked; the others are not
        i = panel.indexOf(panel.page("paper"))
        assert panel.tabText(i).startswith("● ") and panel.tabBar().tabTextColor(i) == MISSING_INK
        assert not panel.tabText(panel.indexOf(panel.page("referral"))).startswith("●")
        # a clean document of the same batch: every paper fact as it should be, no mark on the tab
        w.go_to_document(w.session.index_of("prescription", 1))
        f, _ = _fact(panel, "paper", "مهر نظام پزشکی")
        assert f.tone != "missing"
        assert not panel.tabText(panel.indexOf(panel.page("paper"))).startswith("●")
    finally:
        w.close()
        store.close()


def test_referral_approval_and_tracking_code_of_a_prescription(qtbot, tmp_path, settings, rules, reference):
    w, store = _window(qtbot, tmp_path, settings, rules, reference, DEMO_FILES)
    try:
        s = w.session
        # document 7: approval null (none), tracking code written
        w.go_to_document(s.index_of("prescription", 7))
        panel = w.paper.facts
        panel.setCurrentWidget(panel.page("referral"))
        f, idx = _fact(panel, "referral", "مجوز")
        assert (f.text, f.tone) == ("ندارد", "missing")
        assert idx.data(Qt.ItemDataRole.ForegroundRole).color() == MISSING_INK
        f, _ = _fact(panel, "referral", "کد رهگیری")
        assert (f.text, f.tone) == (fmt.digits("3442863440"), "value")
        # document 31: a level-1 referral code, the referring physician's council number left null
        w.go_to_document(s.index_of("prescription", 31))
        f, _ = _fact(panel, "referral", "ارجاع: کد ارجاع سطح یک")
        assert (f.text, f.path) == (fmt.digits("R40417733"), "referral.code")
        f, _ = _fact(panel, "referral", "ارجاع: نظام پزشکی ارجاع‌دهنده")
        assert f.tone == "missing"
        f, _ = _fact(panel, "referral", "کد رهگیری")
        assert (f.text, f.tone) == (ABSENT, "absent")
        data = json.loads((DEMO / "demo-batch.json").read_text(encoding="utf-8"))
        # a document that says nothing about a referral: «طبق ضابطه»
        plain = next(p for p in data["prescriptions"] if "referral" not in p)
        w.go_to_document(s.index_of("prescription", plain["seq"]))
        f, _ = _fact(w.paper.facts, "referral", "ارجاع")
        assert (f.text, f.tone) == (ABSENT, "absent")
    finally:
        w.close()
        store.close()


def test_the_current_lines_details_follow_the_selected_row(qtbot, tmp_path, settings, rules, reference):
    w, store = _window(qtbot, tmp_path, settings, rules, reference, DEMO_FILES)
    try:
        s = w.session
        data = json.loads((DEMO / "demo-batch.json").read_text(encoding="utf-8"))
        doc = next(p for p in data["prescriptions"] if p["seq"] == 3)
        regions = [labels.REGION[i["details"]["region"]] for i in doc["items"]]
        assert len(set(regions)) == 2
        w.go_to_document(s.index_of("prescription", 3))
        panel = w.paper.facts
        panel.setCurrentWidget(panel.page("line"))
        assert w.paper.current_place() == Place(line=1)
        f, _ = _fact(panel, "line", "ناحیه")
        assert f.text == regions[0] and f.path == "items[0].details.region"
        code, _ = _fact(panel, "line", "کد خدمت")
        assert code.text == fmt.digits(doc["items"][0]["code"])
        w.paper.table.setFocus()
        press(qtbot, w.paper.table, Qt.Key.Key_Down)
        assert w.paper.current_place() == Place(line=2)
        f, _ = _fact(panel, "line", "ناحیه")
        assert f.text == regions[1] and f.path == "items[1].details.region"
        assert panel.page("line").caption.text().startswith("ردیف ۲")
        # the requested amount of the line, and the document's attachments standing for the line's own
        req, _ = _fact(panel, "line", "مبلغ درخواستی")
        assert req.text == f"{fmt.amount(doc['items'][1]['requested']['total'])} ریال"
        att, _ = _fact(panel, "line", "پیوست‌های ردیف")
        assert att.tone == ("absent" if "attachments" not in doc else att.tone)
        # F7 moves through the tabs (and opens a folded panel)
        panel.set_collapsed(True)
        assert panel.maximumHeight() < 60
        before = panel.currentIndex()
        press(qtbot, w.paper.table, Qt.Key.Key_F7)
        assert panel.currentIndex() != before and not panel.collapsed
        # the marking keys still mark the line (the facts never take the focus)
        assert w.paper.current_place() == Place(line=2)
    finally:
        w.close()
        store.close()


def test_a_bill_shows_its_records_and_the_engines_computed_figures(qtbot, tmp_path, settings, rules, reference):
    w, store = _window(qtbot, tmp_path, settings, rules, reference, [HOSPITAL])
    try:
        s = w.session
        i = s.index_of("bill", 1)
        w.go_to_document(i)
        view = s.document(i)
        computed = view.result["computed"]
        panel = w.paper.facts
        assert [panel.tabText(k) for k in range(panel.count()) if panel.isTabVisible(k)][0] == "پرونده و مدارک"
        assert not panel.isTabVisible(panel.indexOf(panel.page("paper")))
        # stays: the bed-days the engine counted
        stays = _plain(panel.text("stays"))
        assert f"روز تخت محاسبه‌شده: {fmt.number(computed['bed_days'])}" in stays
        assert "بخش عمومی" in stays and fmt.digits(view.doc["stays"][0]["from"]) in stays
        # anaesthesia: the units by part
        u = computed["anesthesia_units"]
        total = u["base"] + u["time"] + u["modifiers"] + u["recovery"]
        anes = _plain(panel.text("anesthesia"))
        assert (f"واحد بیهوشی محاسبه‌شده: {fmt.number(total)} (پایه {fmt.number(u['base'])}، "
                f"زمان {fmt.number(u['time'])}، تعدیلی {fmt.number(u['modifiers'])}، "
                f"ریکاوری {fmt.number(u['recovery'])})") in anes
        assert "عمومی" in anes and fmt.digits(view.doc["anesthesia"][0]["start"]) in anes
        # operations: the percent beside each, and the surgeon's relative value
        procs = _plain(panel.text("procedures"))
        p = computed["procedures"][0]
        assert f"{fmt.number(p['percent'])}٪" in procs and fmt.digits(p["code"]) in procs
        assert f"ارزش نسبی جراح: {fmt.number(computed['surgeon_rvu'])}" in procs
        assert "دکتر چشم" in procs and "دستیار سال سوم چشم" in procs
        # visits and consultations: how many are paid
        visits = _plain(panel.text("visits"))
        assert f"ویزیت قابل پرداخت: {fmt.number(computed['visit_count'])} از {fmt.number(len(view.doc['visits']))}" \
            in visits
        # the headings: requested, computed, approved side by side
        heads = panel.page("headings")
        panel.text("headings")
        row = next(r for r in heads.model.rows if r[0].text == "هتلینگ (تخت)")
        hot = view.result["headings"]["hoteling"]
        assert row[1].text == fmt.amount(hot["requested"]) and row[3].text == fmt.amount(hot["approved"])
        assert row[2].text == (f"{fmt.number(computed['bed_days'])} روز تخت = "
                               f"{fmt.amount(computed['hoteling_computed'])}")
        # … and beside each heading in the lines table
        desc = w.paper.lines_model.index(w.paper.lines_model.row_of(Place(heading="hoteling")), 2).data()
        assert desc == f"{fmt.number(computed['bed_days'])} روز تخت"
        desc = w.paper.lines_model.index(w.paper.lines_model.row_of(Place(heading="anesthesia")), 2).data()
        assert desc == f"{fmt.number(total)} واحد"
        # the computed block: class and franchise
        comp = panel.text("computed")
        assert "نوع صورتحساب | بستری" in comp
        assert f"فرانشیز | {fmt.number(computed['franchise'] * 100)}٪" in comp
        # the current heading's items follow the selected row: drugs, the unordered line in red
        w.paper.select_place(Place(heading="drugs"))
        items = panel.page("heading")
        text = _plain(panel.text("heading"))
        assert text.startswith("دارو: درخواستی") and "کتورولاک" in text and "سفتریاکسون" in text
        unordered = next(r for r in items.model.rows if "کتورولاک" in r[2].text)
        assert "دستور پزشک: ندارد" in unordered[-1].text and unordered[-1].tone == "missing"
        assert unordered[-3].text == "۰"           # the engine's approved amount of the line
    finally:
        w.close()
        store.close()


def test_a_recorded_fact_is_marked_with_who_and_when(qtbot, demo_store, settings, rules, reference):
    w = make_window(qtbot, demo_store, settings, rules, reference)
    try:
        from .conftest import DEMO_ID
        w.open_batch(DEMO_ID, background=False)
        s = w.session
        i = s.index_of("prescription", 3)
        real = s.document(i)
        doc = json.loads(json.dumps(real.doc))
        doc.setdefault("paper", {})["council_stamp"] = True
        doc["items"][0]["attachments"] = ["report"]
        at = "2025-11-23T08:30:00+00:00"
        recorded = {"paper.council_stamp": SimpleNamespace(who="sara", at=at, value=True),
                    "items[0].attachments": SimpleNamespace(who="sara", at=at, value=["report"])}
        view = SimpleNamespace(entry=real.entry, doc=doc, result=real.result, amounts=real.amounts,
                               findings=real.findings, recorded=recorded)
        w.paper.show_view(view)
        panel = w.paper.facts
        f, idx = _fact(panel, "paper", "مهر نظام پزشکی")
        assert f.recorded and f.text == "دارد" and idx.data() == f"{fmt.RLM}دارد ● {RECORDED}"
        tip = idx.data(Qt.ItemDataRole.ToolTipRole)
        assert RECORDED in tip and s.name_of("sara") in tip and fmt.jalali_stamp(at) in tip
        att, idx = _fact(panel, "line", "پیوست‌های ردیف")
        assert att.recorded and att.text == "گزارش" and RECORDED in idx.data()
        # a fact nobody recorded carries no marker
        sig, idx = _fact(panel, "paper", "امضای مسئول فنی")
        assert not sig.recorded and RECORDED not in idx.data()
    finally:
        w.close()


def test_a_fact_recorded_at_the_desk_shows_on_the_page(qtbot, demo_store, settings, rules, reference):
    """End to end with ReviewSession.record_fact (F6): the document is shown with the fact applied and marked."""
    from .conftest import DEMO_ID
    w = make_window(qtbot, demo_store, settings, rules, reference)
    try:
        w.open_batch(DEMO_ID, background=False)
        s = w.session
        i = s.index_of("prescription", 20)
        w.go_to_document(i)
        f, _ = _fact(w.paper.facts, "paper", "مهر نظام پزشکی")
        assert not f.recorded and f.tone != "missing"
        s.record_fact(i, "paper.council_stamp", False, note="مهر پزشک روی برگه نیست")
        w.show_document(i)
        f, idx = _fact(w.paper.facts, "paper", "مهر نظام پزشکی")
        assert f.recorded and (f.text, f.tone) == ("ندارد", "missing")
        assert idx.data() == f"{fmt.RLM}ندارد ● {RECORDED}"
        entry = s.document(i).recorded["paper.council_stamp"]
        assert s.name_of("sara") in idx.data(Qt.ItemDataRole.ToolTipRole)
        assert fmt.jalali_stamp(entry.at) in idx.data(Qt.ItemDataRole.ToolTipRole)
        assert w.paper.facts.tabText(w.paper.facts.indexOf(w.paper.facts.page("paper"))).startswith("● ")
    finally:
        w.close()


def test_switching_documents_reuses_the_widgets(qtbot, demo_store, settings, rules, reference):
    from .conftest import DEMO_ID
    w = make_window(qtbot, demo_store, settings, rules, reference)
    try:
        w.open_batch(DEMO_ID, background=False)
        panel = w.paper.facts
        pages = dict(panel.pages)
        models = {k: p.model for k, p in pages.items()}
        for i in range(len(w.session.documents)):
            w.go_to_document(i)
        assert panel.pages == pages and {k: p.model for k, p in panel.pages.items()} == models
        # only the visible tab was filled; the others wait until shown
        assert not panel.page("paper").dirty and panel.page("prescription").dirty
        panel.setCurrentWidget(panel.page("prescription"))
        assert not panel.page("prescription").dirty
    finally:
        w.close()


# --- the screenshots of docs/desk.md -----------------------------------------------------------------------------

def main() -> int:
    import os
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="rasidegi-facts-"))
    os.environ["RASIDEGI_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from argon2 import PasswordHasher
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.review.users import Users
    from desktop.ui.app import setup_application
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    setup_application(app)
    settings = Settings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    out = ROOT / "docs" / "screenshots"
    store = Store.open(f"sqlite:///{home / 'shots.sqlite'}")
    sara = Users(store, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)).create(
        None, "sara", "سارا احمدی", "technical", "secret-123")
    ids = import_files(DEMO_FILES + [str(HOSPITAL)], store=store).batch_ids

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    w = MainWindow(store, sara, settings=settings)
    w.resize(1366, 768)
    w.show()
    w.open_batch(ids[1], background=False)
    w.go_to_document(w.session.index_of("prescription", 23))     # an uncertified erasure
    settle()
    w.grab().save(str(out / "prescription-facts.png"))
    w.open_batch(ids[2], background=False)
    w.go_to_document(w.session.index_of("bill", 1))              # keratoplasty under general anaesthesia
    w.paper.facts.setCurrentWidget(w.paper.facts.page("anesthesia"))
    settle()
    w.grab().save(str(out / "bill-facts.png"))
    w.close()
    store.close()
    print(out / "prescription-facts.png", out / "bill-facts.png", sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
