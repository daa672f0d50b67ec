#!/usr/bin/env bash
# Make docs/letter-<lang>-page1.png from the real output: render the examples as PDF with the tool itself
# (LibreOffice, as `render --format pdf` does), then rasterise page 1 of each language.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
.venv/bin/complaints render cases/ --out "$tmp/letters" --format pdf --date 2026-11-25 -q
for lang in ${LANGS:-kk ru en}; do
  pdf="$tmp/letters/nurkz-2023-10-06-kazakh-language/nurkz-2023-10-06-kazakh-language.$lang.pdf"
  pdftoppm -png -r 80 -f 1 -l 1 "$pdf" "$tmp/page"
  mv "$tmp"/page-1.png "docs/letter-$lang-page1.png"
  echo "docs/letter-$lang-page1.png ($(pdfinfo "$pdf" | grep Pages))"
done
rm -rf "$tmp"
