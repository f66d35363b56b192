@echo off
rem rasidegi on the command line, e.g.  rasidegi review BATCH.json --out RESULT.json
"%~dp0python\python.exe" "%~dp0app\rasidegi.pyw" %*
