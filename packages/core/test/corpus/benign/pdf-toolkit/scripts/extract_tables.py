#!/usr/bin/env python3
"""Write every table of a PDF to CSV files."""
import argparse
import csv
from pathlib import Path

import pdfplumber


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdf")
    parser.add_argument("--out", default="tables")
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    with pdfplumber.open(args.pdf) as pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            for table_number, table in enumerate(page.extract_tables(), start=1):
                target = out / f"page{page_number}-table{table_number}.csv"
                with target.open("w", newline="", encoding="utf-8") as handle:
                    csv.writer(handle).writerows(table)
                written += 1
    print(f"wrote {written} table(s) to {out}/")


if __name__ == "__main__":
    main()
