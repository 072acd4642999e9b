"""Independent checker for the differential test (crates/testdata/tests/stdnum_diff.rs).

Reads lines "<kind> <number>" from stdin (kind: fnr, orgnr, kontonr, fnrparts) and writes
one line per input with python-stdnum's verdict: "1 <birth date> <gender>" or "1" for a valid
number, "0" for an invalid one. Never part of the product.

"fnrparts" checks a number piece by piece with stdnum's own functions, for synthetic numbers
stdnum does not know as a whole: both control digits (calc_check_digit1/2, the classic rule),
then the birth date and gender after taking away the synthetic month offset (+80 Tenor,
+65 NHN; stdnum itself takes away +40). It does not compare the birth date with today.
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
    elif kind == "fnrparts":
        checksums = (
            len(number) == 11
            and number.isdigit()
            and number[9] == fodselsnummer.calc_check_digit1(number[:9])
            and number[10] == fodselsnummer.calc_check_digit2(number[:10])
        )
        month = int(number[2:4])
        if 81 <= month <= 92:
            month -= 80
        elif 66 <= month <= 77:
            month -= 65
        plain = number[:2] + "%02d" % month + number[4:]
        try:
            birth = fodselsnummer.get_birth_date(plain).isoformat()
        except Exception:
            birth = "-"
        out.append("%d %s %s" % (checksums, birth, fodselsnummer.get_gender(plain)))
    elif kind == "orgnr":
        out.append("1" if orgnr.is_valid(number) else "0")
    elif kind == "kontonr":
        out.append("1" if kontonr.is_valid(number) else "0")
    else:
        raise SystemExit("unknown kind " + kind)
sys.stdout.write("\n".join(out) + "\n")
