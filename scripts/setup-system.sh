#!/usr/bin/env bash
# Install the Debian packages briefgen needs (PDF engine libraries, fonts, poppler for tests,
# Chromium and Java for the HTML checks), only those that are missing. Needs root or sudo.
set -euo pipefail
want=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk
      fonts-dejavu-core poppler-utils)
if [ "${1:-}" = "--test" ]; then
  # LibreOffice opens every generated DOCX as a second, independent reader (tests/test_docx_readers.py);
  # Carlito is metric-compatible with Calibri, the Word format's body font
  want+=(chromium default-jre-headless nodejs npm libreoffice-writer-nogui fonts-crosextra-carlito)
fi
missing=()
for pkg in "${want[@]}"; do
  case "$pkg" in
    # already provided some other way (e.g. a JDK or Node.js not from Debian)
    default-jre-headless) command -v java >/dev/null && continue ;;
    nodejs|npm) command -v "${pkg/nodejs/node}" >/dev/null && continue ;;
    python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
