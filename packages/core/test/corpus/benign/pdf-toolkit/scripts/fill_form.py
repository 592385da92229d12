#!/usr/bin/env python3
"""List or fill the form fields of a PDF."""
import argparse
import json
import sys

from pypdf import PdfReader, PdfWriter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdf")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--values")
    parser.add_argument("--out")
    parser.add_argument("--need-appearances", action="store_true")
    args = parser.parse_args()

    reader = PdfReader(args.pdf)
    fields = reader.get_fields() or {}
    if args.list:
        for name, field in sorted(fields.items()):
            states = field.get("/_States_", "")
            print(f"{name}\t{field.get('/FT')}\t{states}")
        return 0
    if not args.values or not args.out:
        parser.error("--values and --out are required to fill a form")

    with open(args.values, encoding="utf-8") as handle:
        values = json.load(handle)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        print(f"unknown field(s): {', '.join(unknown)}", file=sys.stderr)
        return 2

    writer = PdfWriter()
    writer.append(reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.set_need_appearances_writer(args.need_appearances)
    with open(args.out, "wb") as handle:
        writer.write(handle)
    print(f"filled {len(values)} field(s) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
