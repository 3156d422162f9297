"""Fail if the French catalog has an untranslated or fuzzy entry, or doesn't compile."""

import subprocess
import sys
from pathlib import Path

import polib

root = Path(__file__).resolve().parent.parent
po_path = root / "agora" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
if not po_path.exists():
    sys.exit(f"missing catalog: {po_path}")
catalog = polib.pofile(str(po_path))
missing = catalog.untranslated_entries()
fuzzy = catalog.fuzzy_entries()
for entry in missing[:20]:
    print(f"untranslated: {entry.msgid!r}")
for entry in fuzzy[:20]:
    print(f"fuzzy: {entry.msgid!r}")
result = subprocess.run(
    ["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True
)
if result.returncode:
    print(result.stderr)
print(
    f"{len(catalog.translated_entries())} translated, {len(missing)} untranslated, "
    f"{len(fuzzy)} fuzzy"
)
sys.exit(1 if missing or fuzzy or result.returncode else 0)
