"""The screenshots of docs/screenshots/, taken from the real windows (not a pytest module).

    xvfb-run -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.screenshots

Writes main-window.png (the demo batch, a flagged document and its findings), document-marks.png (a laboratory
document with ✓ and ◯ in the technical reviewer's green and 0 in the accountant's red) and import-errors.png (the
located Persian problems of an invalid file).  Everything runs in a throw-away home and database.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="rasidegi-shots-"))
    os.environ["RASIDEGI_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from argon2 import PasswordHasher
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.paths import resources_dir
    from desktop.review.importer import import_files
    from desktop.review.session import Place, Reason, ReviewSession
    from desktop.review.users import Users
    from desktop.store import Store
    from desktop.synth import main as synth_main
    from desktop.ui.app import setup_application
    from desktop.ui.import_dialog import ImportDialog
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    setup_application(app)
    settings = Settings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    OUT.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{home / 'shots.sqlite'}")
    users = Users(store, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    sara = users.create(None, "sara", "سارا احمدی", "technical", "secret-123")
    reza = users.create(sara, "reza", "رضا کریمی", "accounting", "secret-456")
    demo = resources_dir() / "demo"

    def settle(ms: int = 300) -> None:
        from PySide6.QtCore import QEventLoop, QTimer
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    # 1. the main window on the demo batch: some documents confirmed, a flagged one open
    report = import_files([str(demo / "demo-history.json"), str(demo / "demo-batch.json")], store=store)
    batch_id = report.batch_ids[-1]
    s = ReviewSession(store, batch_id, sara)
    for seq in range(1, 11):
        s.accept(s.index_of("prescription", seq))
    s.circle(s.index_of("prescription", 12), Place(line=1), 700_000, Reason(None, "درخواست بیش از نیاز بالینی"))
    w = MainWindow(store, sara, settings=settings)
    w.resize(1600, 900)
    w.show()
    w.open_batch(batch_id, background=False)
    w.go_to_document(w.session.index_of("prescription", 29))
    settle()
    w.grab().save(str(OUT / "main-window.png"))
    w.close()

    # 2. a document with all three marks: green ✓ and ◯ by the technical reviewer, red 0 by the accountant
    lab = home / "lab.json"
    synth_main(["--prescriptions", "60", "--seed", "4", "--kind", "laboratory", "--out", str(lab)])
    lab_id = import_files([str(lab)], store=store).batch_ids[0]
    s = ReviewSession(store, lab_id, sara)
    target = next(d for d in s.documents if d.amounts == 3 and d.findings == 0)
    amounts = s.document(target.index).amounts
    s.tick(target.index, amounts[0].place)
    s.circle(target.index, amounts[1].place, amounts[1].requested * 2 // 3 // 1000 * 1000,
             Reason("GEN-15-N2", "مبلغ درخواستی بیش از تعرفه"))
    s.move_to("accounting")
    acc = ReviewSession(store, lab_id, reza)
    acc.zero(target.index, amounts[2].place, Reason(None, "جواب آزمایش پیوست نیست"))
    w = MainWindow(store, reza, settings=settings)
    w.resize(1600, 900)
    w.show()
    w.open_batch(lab_id, background=False)
    w.go_to_document(target.index)
    w.paper.table.setCurrentIndex(w.paper.lines_model.index(2, 0))
    settle()
    w.grab().save(str(OUT / "document-marks.png"))
    w.close()

    # 3. the import-error list of an invalid file
    data = json.loads((demo / "demo-batch.json").read_text(encoding="utf-8"))
    data["batch"]["fund"] = "martians"
    data["prescriptions"][2]["served_on"] = "1404/07/45"
    data["prescriptions"][6]["items"][0]["requested"]["total"] = "نهصد هزار"
    data["prescriptions"][9]["insured"]["sex"] = "X"
    data["prescriptions"][12]["sheet"] = "napkin"
    bad = home / "PRV-2231-1404-08.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dlg = ImportDialog(store, [str(bad)])
    dlg.show()
    while not dlg.table.isVisibleTo(dlg):
        settle(50)
    settle()
    dlg.grab().save(str(OUT / "import-errors.png"))
    dlg.reject()
    store.close()
    print("\n".join(str(OUT / n) for n in ("main-window.png", "document-marks.png", "import-errors.png")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
