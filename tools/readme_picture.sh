#!/usr/bin/env bash
# Make docs/letter-<lang>-page1.png from the real output: render the examples, convert with LibreOffice, rasterise page 1.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
.venv/bin/complaints render cases/ --out "$tmp/letters" --date 2026-11-25 -q
for lang in ${LANGS:-ru}; do
  soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to pdf --outdir "$tmp/pdf" \
    "$tmp/letters/nurkz-2023-10-06-kazakh-language/nurkz-2023-10-06-kazakh-language.$lang.docx" >/dev/null
  pdftoppm -png -r 80 -f 1 -l 1 "$tmp/pdf/nurkz-2023-10-06-kazakh-language.$lang.pdf" "$tmp/page"
  mv "$tmp"/page-1.png "docs/letter-$lang-page1.png"
  echo "docs/letter-$lang-page1.png ($(pdfinfo "$tmp/pdf/nurkz-2023-10-06-kazakh-language.$lang.pdf" | grep Pages))"
done
rm -rf "$tmp"
