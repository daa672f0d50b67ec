#!/bin/sh
# The advocate's desk on macOS (and Linux): double-click this file (macOS opens it in Terminal).
# The first time, it installs the tool in the folder .venv beside this file (a few minutes, needs the internet);
# then it starts the desk on the folder `my-complaints` (made the first time: the desk then asks for your
# details as the applicant) and opens it in the browser. Close the window, or press
# Ctrl-C in it, to stop the desk.
cd "$(dirname "$0")" || exit 1

stop() {
    echo
    echo "$1"
    printf "Press Enter to close this window. "
    read -r _
    exit 1
}

if [ ! -x .venv/bin/complaints ]; then
    python=""
    for candidate in python3.13 python3.12 python3.11 python3; do  # Python 3.11 or newer; not Apple's 3.9
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            python="$candidate"
            break
        fi
    done
    [ -n "$python" ] || stop "Python 3.11 or newer was not found: install it from https://www.python.org/downloads/ (or: brew install python), then double-click this file again."
    echo "Installing the tool the first time (a few minutes)..."
    "$python" -m venv .venv || stop "Could not make the folder .venv (see the message above)."
    .venv/bin/python -m pip install -e . || { rm -rf .venv; stop "The installation did not finish (see the messages above); double-click this file to try again."; }
fi

.venv/bin/complaints serve my-complaints
stop "The desk has stopped."
