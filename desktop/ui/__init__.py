"""The reviewer's desk (PySide6 only): thin windows over desktop.review, desktop.pipeline and the store.

Everything a reviewer reads is Persian and right to left: Vazirmatn (resources/fonts), Persian digits with ٬
separators formatted by QLocale(Persian, Iran) on screen while the data stays Latin, Jalali dates, qtbase_fa.
Slow work (import, opening a batch) runs on the QThreadPool; results come back to the UI thread as signals.
"""
