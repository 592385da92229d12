#!/usr/bin/env python3
"""Print the text of a PDF, page by page."""
import argparse
import sys

from pypdf import PdfReader


def page_range(spec: str, count: int) -> range:
    if not spec:
        return range(count)
    start, _, end = spec.partition("-")
    first = max(int(start) - 1, 0)
    last = min(int(end or start), count)
    return range(first, last)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdf")
    parser.add_argument("--pages", default="", help="e.g. 1-3 or 5")
    args = parser.parse_args()

    reader = PdfReader(args.pdf)
    if reader.is_encrypted:
        print("The PDF is encrypted; ask the user for its password.", file=sys.stderr)
        return 2
    for index in page_range(args.pages, len(reader.pages)):
        text = reader.pages[index].extract_text() or ""
        print(f"--- page {index + 1} ---")
        print(text.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
