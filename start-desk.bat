@echo off
rem The advocate's desk on Windows: double-click this file.
rem The first time, it installs the tool in the folder .venv beside this file (a few minutes, needs the
rem internet); then it starts the desk on the folder "my-complaints" (made the first time: the desk then asks for your
rem details as the applicant) and opens it in the browser. Close this window,
rem or press Ctrl-C in it, to stop the desk.
setlocal
cd /d "%~dp0"
if exist ".venv\Scripts\complaints.exe" goto start
set "PYTHON="
py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "PYTHON=py -3"
if not defined PYTHON (python -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "PYTHON=python")
if not defined PYTHON goto nopython
echo Installing the tool the first time (a few minutes)...
%PYTHON% -m venv .venv
if errorlevel 1 goto failed
".venv\Scripts\python.exe" -m pip install -e .
if errorlevel 1 goto failed
:start
".venv\Scripts\complaints.exe" serve my-complaints
echo.
echo The desk has stopped.
pause
exit /b 0
:nopython
echo Python 3.11 or newer was not found. Install it from https://www.python.org/downloads/
echo and tick "Add python.exe to PATH" in the installer; then double-click this file again.
pause
exit /b 1
:failed
echo The installation did not finish (see the messages above).
if exist ".venv" rmdir /s /q ".venv"
echo Double-click this file to try again.
pause
exit /b 1
