#!/usr/bin/env bash
# Installs the Debian packages Stepwise needs. Idempotent: packages already present are skipped.
#   scripts/install-system-deps.sh              runtime + test packages (redis-server for test/ops)
#   scripts/install-system-deps.sh --training   also PyTorch/ONNX for training the default models
#   scripts/install-system-deps.sh --runtime    runtime only (the Docker image: no test packages)
#   scripts/install-system-deps.sh --runtime --no-browser
#                                               solver workers: no Chromium/fonts (they do not render)
set -euo pipefail
runtime=(python3 python3-sympy python3-numpy python3-venv bubblewrap util-linux)
browser=(chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
testing=(redis-server)
training=(python3-torch python3-onnx libopenblas0-pthread)
want_browser=1 want_test=1 want_training=0
for arg in "$@"; do
  case "$arg" in
    --training) want_training=1 ;;
    --runtime) want_test=0 ;;
    --no-browser) want_browser=0 ;;
    *) echo "install-system-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
pkgs=("${runtime[@]}")
if [[ $want_browser == 1 ]]; then pkgs+=("${browser[@]}"); fi
if [[ $want_test == 1 ]]; then pkgs+=("${testing[@]}"); fi
if [[ $want_training == 1 ]]; then pkgs+=("${training[@]}"); fi
find_missing() {
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
}
find_missing
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present" >&2
  exit 0
fi
# Two ./stepwise commands at once: one runs apt, the other waits, then checks again.
if command -v flock >/dev/null; then
  exec 8>"${STEPWISE_APT_LOCK:-$(dirname "${BASH_SOURCE[0]}")/../.stepwise-apt.lock}"
  if ! flock -n 8; then
    echo "waiting for another stepwise install… (system packages)" >&2
    flock 8
  fi
  find_missing
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system packages: all present" >&2
    exit 0
  fi
fi
# apt prints ~180 lines on a fresh machine: they go to a log file, shown only when apt fails.
log="${STEPWISE_APT_LOG:-${TMPDIR:-/tmp}/stepwise-apt-$(id -u).log}"
echo "system packages: installing ${missing[*]} (log: $log)" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "system packages: apt-get failed; its output ($log):" >&2
  cat "$log" >&2
  exit 1
fi
echo "system packages: installed ${#missing[@]} ($((SECONDS - started)) s)" >&2
