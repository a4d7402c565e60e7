#!/usr/bin/env bash
# Renders an evaluation HTML report (shiftrec evaluate … --out X.json writes X.html) in headless Chromium and writes
# a PNG screenshot, to check by eye that the charts and tables lay out.
#
#   scripts/check-report-html.sh REPORT.html OUT.png [WIDTHxHEIGHT]     (default 1280x3200)
#
# Installs the Debian package `chromium` with apt-get when no Chromium is found (through sudo when not root).
set -euo pipefail

usage() { echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage
report="$1"
out="$2"
size="${3:-1280x3200}"
[[ -f "$report" ]] || { echo "$0: no such report: $report" >&2; exit 1; }
[[ "$size" =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "$0: size must be WIDTHxHEIGHT, got '$size'" >&2; exit 2; }
width="${BASH_REMATCH[1]}"
height="${BASH_REMATCH[2]}"

find_chromium() {
  local c
  for c in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}

if ! browser="$(find_chromium)"; then
  echo "$0: Chromium not found; installing the Debian package 'chromium'…" >&2
  if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "$0: not root and no sudo: install the package 'chromium' and run again" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update -q >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
  browser="$(find_chromium)" || { echo "$0: Chromium still not found after installing" >&2; exit 1; }
fi

abs_report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
mkdir -p "$(dirname "$out")"
abs_out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

flags=(--headless=new --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
       --user-data-dir="$profile" --window-size="$width,$height" --screenshot="$abs_out")
# Chromium's sandbox refuses to run as root
[[ "$(id -u)" -eq 0 ]] && flags+=(--no-sandbox)

rm -f "$abs_out"
"$browser" "${flags[@]}" "file://$abs_report" >"$profile/chromium.log" 2>&1 || {
  echo "$0: Chromium failed:" >&2
  tail -20 "$profile/chromium.log" >&2
  exit 1
}
[[ -s "$abs_out" ]] || { echo "$0: no screenshot written; Chromium said:" >&2; tail -20 "$profile/chromium.log" >&2; exit 1; }
echo "$abs_out (${width}x${height}) from $abs_report"
