#!/usr/bin/env python3
"""Merge PDFs into one, or split one PDF into single pages."""
import argparse
from pathlib import Path

from pypdf import PdfReader, PdfWriter


def merge(inputs: list[str], out: str) -> None:
    writer = PdfWriter()
    for name in inputs:
        writer.append(name)
    with open(out, "wb") as handle:
        writer.write(handle)


def split(source: str, out_dir: str) -> None:
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    reader = PdfReader(source)
    for number, page in enumerate(reader.pages, start=1):
        writer = PdfWriter()
        writer.add_page(page)
        with open(folder / f"page-{number:03d}.pdf", "wb") as handle:
            writer.write(handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--split", metavar="PDF")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.split:
        split(args.split, args.out)
    else:
        merge(args.inputs, args.out)


if __name__ == "__main__":
    main()
