#!/usr/bin/env bash
# Prepare a Debian machine for Gridwatch: the system libraries Qt needs, then a .venv with the project.
#   bash tools/setup.sh          install to run the console
#   bash tools/setup.sh --test   also the test tools and the servers the tests start (PostgreSQL, RTSP)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3)
[ "$want_test" = 1 ] || packages+=(fonts-noto-cjk)
# The PDF tests read Chinese back out of the documents: a small CJK font is enough for them.
[ "$want_test" = 1 ] && packages+=(fonts-wqy-microhei fonts-dejavu-core)
# The video tests encode real H.264 with ffmpeg and serve RTSP with GStreamer through Debian's own Python.
[ "$want_test" = 1 ] && packages+=(ffmpeg python3-gst-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
                                   gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "$want_test" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
if [ "$want_test" = 1 ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "^WARNING: Location" >&2 || true
else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" >&2 || true
fi
.venv/bin/python -c "import console, PySide6, cv2, sqlalchemy" || { echo "setup: installation failed" >&2; exit 1; }
