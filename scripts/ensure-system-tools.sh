#!/bin/sh
# Install what handouts needs from Debian's packages, when it is missing:
#   fonts (build):  fonts-wqy-microhei (Simplified Chinese), fonts-arphic-uming (Traditional Chinese),
#                   fonts-nanum (Korean)
#   tools (tests):  poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm), qpdf, gettext (msgfmt),
#                   chromium (browser tests of the download pages), npm (to fetch axe-core)
# Usage: ensure-system-tools.sh fonts|tools|all
set -eu
what="${1:-all}"
missing=""
if [ "$what" = fonts ] || [ "$what" = all ]; then
    [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$missing fonts-wqy-microhei"
    [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || missing="$missing fonts-arphic-uming"
    [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing="$missing fonts-nanum"
fi
if [ "$what" = tools ] || [ "$what" = all ]; then
    for tool in pdftotext:poppler-utils pdfinfo:poppler-utils pdffonts:poppler-utils qpdf:qpdf msgfmt:gettext \
                chromium:chromium npm:npm; do
        command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
    done
fi
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
