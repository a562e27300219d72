#!/usr/bin/env bash
# Installs the Debian packages Stepwise needs. Idempotent: packages already present are skipped.
#   scripts/install-system-deps.sh            runtime + test packages
#   scripts/install-system-deps.sh --training also PyTorch/ONNX for training the default models
set -euo pipefail
pkgs=(python3 python3-sympy python3-numpy bubblewrap util-linux chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
if [[ "${1:-}" == "--training" ]]; then
  pkgs+=(python3-torch python3-onnx libopenblas0-pthread)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present" >&2
  exit 0
fi
echo "system packages: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
