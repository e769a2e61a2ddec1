#!/bin/sh
# Install the command-line tools the tests use to check PDFs, when they are missing:
# poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) and qpdf, from Debian's packages.
set -eu
missing=""
for tool in pdftotext:poppler-utils pdfinfo:poppler-utils pdffonts:poppler-utils qpdf:qpdf; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
done
[ -z "$missing" ] && exit 0
packages=$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')
echo "installing system packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: need root (or sudo) to install: $packages" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $packages >/dev/null
