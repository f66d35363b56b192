"""The Qt binding must not leak or drop references on ordinary calls: PySide6 6.12.0 under Python 3.11 lowers
None's reference count by one on every call returning void (QLabel.setText …), and the desk aborts with
"Fatal Python error: none_dealloc" after a few hundred documents.  pyproject.toml pins it out; this test says
so at once if a version with that fault is ever installed."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    label.setText("a")
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("بیمه‌شده")
        label.setToolTip("x")
    drift = before - sys.getrefcount(None)
    assert abs(drift) < 50, f"None lost {drift} references over 1,000 void Qt calls (a broken PySide6 build)"
