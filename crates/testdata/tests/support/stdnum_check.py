"""Independent checker for the differential test (crates/testdata/tests/stdnum_diff.rs).

Reads lines "<kind> <number>" from stdin (kind: fnr, orgnr, kontonr) and writes one line
per input with python-stdnum's verdict: "1 <birth date> <gender>" or "1" for a valid
number, "0" for an invalid one. Never part of the product.
"""
import sys

from stdnum.no import fodselsnummer, kontonr, orgnr

out = []
for line in sys.stdin:
    kind, number = line.split()
    if kind == "fnr":
        if fodselsnummer.is_valid(number):
            out.append("1 %s %s" % (fodselsnummer.get_birth_date(number).isoformat(), fodselsnummer.get_gender(number)))
        else:
            out.append("0")
    elif kind == "orgnr":
        out.append("1" if orgnr.is_valid(number) else "0")
    elif kind == "kontonr":
        out.append("1" if kontonr.is_valid(number) else "0")
    else:
        raise SystemExit("unknown kind " + kind)
sys.stdout.write("\n".join(out) + "\n")
