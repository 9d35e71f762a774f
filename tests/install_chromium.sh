#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser test of the install page, if
# they are missing and we may (as root). Without them that one test is skipped, saying why.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Chromium is not installed, so the browser test of the install page will be skipped:" \
    "run 'sudo apt-get install chromium chromium-driver' to run it." >&2
  exit 0
fi
echo "Installing Debian's chromium and chromium-driver for the browser test..." >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
