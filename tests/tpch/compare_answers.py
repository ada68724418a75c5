#!/usr/bin/env python3
"""Compares one query result printed by shoal-server (--output-format CSV, no
header) with a TPC-H answer file, and prints PASS or FAIL with the first
difference. Used by tests/tpch/check-sf1.sh.

Answer formats (see /work/shared/testdata/tpch/MANIFEST.md):
  csv       DuckDB-style .csv: a header line, '|'-separated rows, NULL empty,
            strings exact (trailing spaces kept), numbers as DuckDB typed them.
            Numbers are equal within 0.01 absolute plus 1e-9 relative; text
            must match byte for byte.
  official  dbgen .out: a padded header line, '|'-separated space-padded
            fields, money and ratios rounded to 2 decimals. Compared per column
            kind from colprecision.txt (TPC-H clause 2.1.3.5): str/int/cnt
            exact (strings after trimming both sides), sum within 100,
            num within 0.01, avg/rat within 1% after rounding to 0.01.

Usage: compare_answers.py [--format csv|official] [--kinds "str int ..."]
                          EXPECTED ACTUAL
Exit status: 0 pass, 1 fail, 2 usage or unreadable file.
"""
import argparse
import csv
import re
import sys

NUMBER = re.compile(r'^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$')
ABS_TOL = 0.01
REL_TOL = 1e-9


def read_expected(path, fmt):
    with open(path, newline='') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()  # the final newline
    header, rows = lines[0], lines[1:]
    if fmt == 'official':
        names = [h.strip() for h in header.split('|')]
        rows = [[v.strip() for v in r.split('|')] for r in rows if r.strip() != '']
    else:
        names = header.split('|')
        rows = [r.split('|') for r in rows]
    return names, rows


def read_actual(path):
    with open(path, newline='') as f:
        return [row for row in csv.reader(f)]


def as_number(text):
    return float(text) if NUMBER.match(text) else None


def same_csv_value(expected, actual):
    """DuckDB answer cell vs Shoal cell: numbers within tolerance, else exact."""
    if expected == actual:
        return True
    e, a = as_number(expected), as_number(actual)
    if e is None or a is None:
        return False
    return abs(e - a) <= ABS_TOL + REL_TOL * abs(e)


def same_official_value(expected, actual, kind):
    """dbgen .out cell vs Shoal cell, by colprecision kind."""
    actual = actual.strip()
    if kind == 'str':
        return expected == actual
    e, a = as_number(expected), as_number(actual)
    if e is None or a is None:
        return expected == actual
    if kind in ('int', 'cnt'):
        return e == a
    if kind == 'sum':
        return abs(e - a) <= 100.0
    if kind == 'num':
        return abs(e - a) <= 0.01 + 1e-12
    # avg, rat: within 1% after rounding to 1/100
    a = round(a, 2)
    return abs(e - a) <= 0.01 * abs(e) + 1e-9 or abs(e - a) <= 0.005 + 1e-9


def compare(names, expected, actual, same):
    """Returns None when equal, else a one-line description of the first difference."""
    for i in range(min(len(expected), len(actual))):
        erow, arow = expected[i], actual[i]
        if len(erow) != len(arow):
            return 'row %d: expected %d columns, got %d: %r' % (i + 1, len(erow), len(arow), '|'.join(arow))
        for j, (e, a) in enumerate(zip(erow, arow)):
            if not same(j, e, a):
                name = names[j] if j < len(names) else '#%d' % (j + 1)
                return 'row %d column %d (%s): expected %r, got %r' % (i + 1, j + 1, name, e, a)
    if len(expected) != len(actual):
        extra = actual[len(expected)] if len(actual) > len(expected) else expected[len(actual)]
        return 'expected %d rows, got %d (first unmatched: %r)' % (len(expected), len(actual), '|'.join(extra))
    return None


def main():
    p = argparse.ArgumentParser(description='Compare a shoal-server CSV result with a TPC-H answer file.')
    p.add_argument('--format', choices=('csv', 'official'), default='csv')
    p.add_argument('--kinds', default='', help='colprecision kinds, space separated (official format)')
    p.add_argument('expected')
    p.add_argument('actual')
    args = p.parse_args()
    try:
        names, expected = read_expected(args.expected, args.format)
        actual = read_actual(args.actual)
    except OSError as e:
        print('ERROR %s' % e)
        return 2
    if args.format == 'official':
        kinds = args.kinds.split()

        def same(j, e, a):
            return same_official_value(e, a, kinds[j] if j < len(kinds) else 'str')
    else:
        def same(j, e, a):
            return same_csv_value(e, a)
    diff = compare(names, expected, actual, same)
    if diff is None:
        print('PASS (%d rows)' % len(actual))
        return 0
    print('FAIL ' + diff)
    return 1


if __name__ == '__main__':
    sys.exit(main())
