"""Fill Vietnamese translations into a catalog after `make messages`.

    python tools/po_fill.py theodoi/locale/vi/LC_MESSAGES/django.po translations.tsv

The TSV has one message a line: msgid, a tab, msgstr (``\\n`` for new lines; a
third column is the msgctxt when the message has one). Only empty or fuzzy
entries are filled; `python tools/po_fill.py PO --missing` lists what is empty.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    path = Path(argv[1])
    with path.open("rb") as handle:
        catalog = read_po(handle)
    if argv[2:] == ["--missing"]:
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and (not all(strings) or message.fuzzy):
                print(message.id if isinstance(message.id, str) else message.id[0])
        return 0
    table = {}
    for line in Path(argv[2]).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        context = parts[2] if len(parts) > 2 and parts[2] else None
        table[(parts[0].replace("\\n", "\n"), context)] = parts[1].replace("\\n", "\n")
    filled = 0
    for message in catalog:
        key_id = message.id if isinstance(message.id, str) else message.id[0]
        text = table.get((key_id, message.context))
        if text is None or (message.string and not message.fuzzy):
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(text for _ in message.id)
        else:
            message.string = text
        message.flags.discard("fuzzy")
        filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    print(f"filled {filled}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
