; rasidegi — the Windows installer (NSIS 3, Unicode; built on Linux by installer/build.py with Debian's makensis):
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSTAGE=build/installer/win-stage -DOUTFILE=dist/windows/x.exe \
;            -DINSTALLED_KB=123456 installer/windows/rasidegi.nsi
;
; STAGE holds python\ (the official embeddable CPython 3.11 with Lib\site-packages installed from the wheelhouse and
; share\rasidegi\ — rules, samples, fonts, demo), app\rasidegi.pyw (installer/launcher.py), rasidegi.cmd, the icon.
; Nothing is downloaded, at install time or later.
;
; Per-user install (no administrator rights needed): %LOCALAPPDATA%\Programs\Rasidegi.  The user's data lives
; elsewhere — %LOCALAPPDATA%\IHIO\rasidegi (platformdirs): database, settings, signing key, logs, backups.  An
; upgrade replaces the program files only; the program backs up and migrates the database at its next start.
; The uninstaller keeps the data unless the user says yes to deleting it (or runs `uninstall.exe /S /PURGE`).

Target amd64-unicode          ; a 64-bit installer for a 64-bit program (Unicode)
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 32

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef STAGE
  !error "pass -DSTAGE=folder with python\ and app\"
!endif
!ifndef OUTFILE
  !define OUTFILE "rasidegi-${VERSION}-setup.exe"
!endif
!ifndef INSTALLED_KB
  !define INSTALLED_KB 0
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define APP_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Rasidegi"
!define APP_FA "رسیدگی"
!define MENU_DIR "$SMPROGRAMS\${APP_FA}"
!define DATA_DIR "$LOCALAPPDATA\IHIO\rasidegi"

Name "${APP_FA} ${VERSION}"
Caption "${APP_FA} — نصب نسخهٔ ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Rasidegi"
InstallDirRegKey HKCU "Software\IHIO\Rasidegi" "InstallDir"
BrandingText "سازمان بیمه سلامت ایران — رسیدگی به اسناد پزشکی"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Rasidegi (رسیدگی)"
VIAddVersionKey /LANG=0 "FileDescription" "Rasidegi installer — medical-document review workstation"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "Iran Health Insurance Organisation"
VIAddVersionKey /LANG=0 "LegalCopyright" "Iran Health Insurance Organisation"

!define MUI_ICON "${STAGE}\rasidegi.ico"
!define MUI_UNICON "${STAGE}\rasidegi.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "نصب ${APP_FA} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "این برنامه سامانهٔ رسیدگی به اسناد پزشکی را روی این رایانه نصب می‌کند.$\r$\n$\r$\nبه اینترنت نیازی نیست: پایتون و همهٔ کتابخانه‌ها درون همین فایل است.$\r$\n$\r$\nاگر نسخهٔ قبلی نصب است، داده‌ها (پایگاه داده، تنظیمات، کلید امضا) نگه داشته می‌شود و برنامه در نخستین اجرا از پایگاه داده نسخهٔ پشتیبان می‌گیرد و آن را به‌روز می‌کند."
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION StartRasidegi
!define MUI_FINISHPAGE_RUN_TEXT "اجرای ${APP_FA}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Farsi"

Function StartRasidegi
  Exec '"$INSTDIR\python\pythonw.exe" "$INSTDIR\app\rasidegi.pyw"'
FunctionEnd

Section "Rasidegi" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an upgrade: the old program files go (no stale module survives), the user's data (DATA_DIR) stays
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\app"
  File /r "${STAGE}\*"
  FileOpen $0 "$INSTDIR\rasidegi-install.txt" w
  FileWrite $0 "rasidegi ${VERSION}$\r$\nuser data: ${DATA_DIR}$\r$\n"
  FileClose $0
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Persian Start-menu entries, and one on the desktop
  CreateDirectory "${MENU_DIR}"
  CreateShortcut "${MENU_DIR}\${APP_FA}.lnk" "$INSTDIR\python\pythonw.exe" '"$INSTDIR\app\rasidegi.pyw"' \
      "$INSTDIR\rasidegi.ico" 0 SW_SHOWNORMAL "" "رسیدگی به اسناد پزشکی"
  CreateShortcut "${MENU_DIR}\راه‌اندازی ${APP_FA}.lnk" "$INSTDIR\python\pythonw.exe" \
      '"$INSTDIR\app\rasidegi.pyw" setup' "$INSTDIR\rasidegi.ico" 0 SW_SHOWNORMAL "" \
      "راه‌اندازی: اداره، پایگاه داده، مدیر سامانه، تعرفه، کلید امضا"
  CreateShortcut "${MENU_DIR}\حذف ${APP_FA}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_FA}.lnk" "$INSTDIR\python\pythonw.exe" '"$INSTDIR\app\rasidegi.pyw"' \
      "$INSTDIR\rasidegi.ico" 0 SW_SHOWNORMAL "" "رسیدگی به اسناد پزشکی"

  ; Apps & features
  WriteRegStr HKCU "Software\IHIO\Rasidegi" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_KEY}" "DisplayName" "${APP_FA} — رسیدگی به اسناد پزشکی (Rasidegi)"
  WriteRegStr HKCU "${APP_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${APP_KEY}" "Publisher" "سازمان بیمه سلامت ایران"
  WriteRegStr HKCU "${APP_KEY}" "DisplayIcon" "$INSTDIR\rasidegi.ico"
  WriteRegStr HKCU "${APP_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${APP_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${APP_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${APP_KEY}" "EstimatedSize" ${INSTALLED_KB}
  WriteRegDWORD HKCU "${APP_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${APP_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$DESKTOP\${APP_FA}.lnk"
  Delete "${MENU_DIR}\${APP_FA}.lnk"
  Delete "${MENU_DIR}\راه‌اندازی ${APP_FA}.lnk"
  Delete "${MENU_DIR}\حذف ${APP_FA}.lnk"
  RMDir "${MENU_DIR}"
  ; only what the installer put there (never a recursive delete of a folder the user may have chosen)
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\app"
  Delete "$INSTDIR\rasidegi.cmd"
  Delete "$INSTDIR\rasidegi.ico"
  Delete "$INSTDIR\Vazirmatn-OFL.txt"
  Delete "$INSTDIR\rasidegi-install.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${APP_KEY}"
  DeleteRegKey HKCU "Software\IHIO\Rasidegi"

  ; the user's data is kept unless asked: /PURGE on the command line, or "yes" to the question
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  IfErrors 0 purge
  IfSilent keep
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "داده‌های برنامه هم پاک شود؟$\r$\n(پایگاه داده و تصمیم‌های کارشناسان، تنظیمات، کلید امضای اداره، نسخه‌های پشتیبان)$\r$\n$\r$\n${DATA_DIR}$\r$\n$\r$\nاگر مطمئن نیستید «خیر» را بزنید؛ نسخهٔ بعدی برنامه همین داده‌ها را به کار می‌گیرد." \
      IDYES purge IDNO keep
  purge:
    RMDir /r "${DATA_DIR}"
    RMDir "$LOCALAPPDATA\IHIO"
  keep:
SectionEnd
