#!/usr/bin/env python3
"""Prints an .xlsx workbook as JSON, read with openpyxl (an independent reader):
{"sheets": {name: [[cell, ...], ...]}, "freeze": {name: "A2"}, "autofilter": {name: "A1:N9"},
 "formats": {name: [[number format, ...], ...]} (not for Rows), "charts": number of chart
 parts in the package (openpyxl does not load charts)}. Dates become "YYYY-MM-DD"; empty
 cells null."""
import datetime
import json
import sys
import zipfile

import openpyxl


def cell(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    return value


def main(path):
    book = openpyxl.load_workbook(path)
    out = {"sheets": {}, "freeze": {}, "autofilter": {}, "formats": {}}
    for sheet in book.worksheets:
        out["sheets"][sheet.title] = [[cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        out["freeze"][sheet.title] = sheet.freeze_panes
        out["autofilter"][sheet.title] = sheet.auto_filter.ref
        if sheet.title != "Rows":
            out["formats"][sheet.title] = [[c.number_format for c in row] for row in sheet.iter_rows()]
    with zipfile.ZipFile(path) as package:
        out["charts"] = sum(1 for n in package.namelist() if n.startswith("xl/charts/chart"))
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
