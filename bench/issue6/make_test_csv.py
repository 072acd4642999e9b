#!/usr/bin/env python3
"""Write a synthetic Norwegian person CSV for trying presidio_scan.py.

    python3 bench/issue6/make_test_csv.py OUT.csv [--mb 5] [--seed 1]

Columns: id,fnr,navn,adresse,telefon,epost,notat. Every fnr is a valid
11-digit fødselsnummer (both mod-11 control digits computed here); about one
in ten is a synthetic one (month + 80). The notat column is free text that
sometimes repeats the fnr, the phone or an e-mail address, with and without a
space inside the fnr. Standard library only.
"""
import argparse
import csv
import random
import sys

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

FIRST = ["Ola", "Kari", "Nora", "Jakob", "Emma", "Lars", "Ingrid", "Sindre",
         "Åse", "Øystein", "Bjørn", "Sofie", "Håkon", "Marit", "Eirik", "Liv"]
LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen",
        "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Berg", "Haugen",
        "Bakke", "Sæther", "Strøm", "Aasen"]
STREETS = ["Storgata", "Kirkeveien", "Skolegata", "Parkveien", "Fjordgata",
           "Bjørnstjerne Bjørnsons gate", "Karl Johans gate", "Løkkeveien"]
TOWNS = [("0150", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"),
         ("4006", "Stavanger"), ("9008", "Tromsø"), ("2317", "Hamar")]
NOTES = [
    "Kunden ringte om faktura, ba om ny kopi.",
    "Ingen merknader.",
    "Flyttet fra forrige adresse i fjor; oppdater registeret.",
    "Samtykke gitt muntlig, må bekreftes skriftlig.",
    "Purring sendt to ganger uten svar.",
]


def control(digits, weights):
    s = sum(d * w for d, w in zip(digits, weights))
    k = 11 - s % 11
    return 0 if k == 11 else k  # 10 means invalid


def make_fnr(rng):
    while True:
        day = rng.randint(1, 28)
        month = rng.randint(1, 12)
        if rng.random() < 0.1:
            month += 80  # synthetic number
        year = rng.randint(0, 99)
        ind = rng.randint(0, 499)
        base = [int(c) for c in f"{day:02d}{month:02d}{year:02d}{ind:03d}"]
        k1 = control(base, K1)
        if k1 == 10:
            continue
        k2 = control(base + [k1], K2)
        if k2 == 10:
            continue
        return "".join(map(str, base + [k1, k2]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    limit = int(a.mb * 1024 * 1024)
    n = 0
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "fnr", "navn", "adresse", "telefon", "epost", "notat"])
        while f.tell() < limit:
            n += 1
            fnr = make_fnr(rng)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            pc, town = rng.choice(TOWNS)
            addr = f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {pc} {town}"
            num = f"{rng.choice('49')}{rng.randint(0, 9999999):07d}"
            tel = rng.choice([num, f"+47 {num}", f"{num[:3]} {num[3:5]} {num[5:]}"])
            mail = (f"{first}.{last}{rng.randint(1, 99)}@example.no"
                    .lower().replace("å", "aa").replace("ø", "o").replace("æ", "ae"))
            r = rng.random()
            note = rng.choice(NOTES)
            if r < 0.2:
                note += f" Ref. fnr {fnr[:6]} {fnr[6:]}."
            elif r < 0.3:
                note += f" Ring tilbake på {num}."
            elif r < 0.4:
                note += f" Kopi til {mail}."
            w.writerow([n, fnr, f"{first} {last}", addr, tel, mail, note])
    print(f"wrote {n} rows to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
