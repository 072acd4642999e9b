#!/usr/bin/env python3
"""Generate COUNT Norwegian persons with Python Faker and write them as CSV.

    python3 bench/issue6/faker_generate.py COUNT OUT.csv

For comparison with `etterlev`'s test-data generator. Prints ONE JSON line:
  {"tool":"faker", "faker_version", "locale", "persons", "seconds",
   "persons_per_s", "bytes", "setup_seconds"}

Faker has no `nb_NO` locale; its Norwegian (bokmål) locale is `no_NO`, used
here. Per person: gender, first name of that gender, last name, date of birth
(0-100 years), ssn (Faker's no_NO ssn provider: an 11-digit fødselsnummer
with valid mod-11 control digits, built from that date of birth and gender),
street address, postcode, city, phone number and e-mail (Faker's e-mail is
not derived from the name). Seeded with Faker.seed(1); `fake.unique` is not
used (slow). `seconds` covers generating and writing the CSV, not creating
the Faker instance (`setup_seconds`).
"""
import csv
import json
import sys
import time
from importlib.metadata import version

from faker import Faker


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, out = int(sys.argv[1]), sys.argv[2]

    t0 = time.perf_counter()
    fake = Faker("no_NO")
    Faker.seed(1)
    rnd = fake.random
    setup = time.perf_counter() - t0

    t1 = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["fornavn", "etternavn", "fnr", "fodselsdato", "adresse",
                    "postnummer", "poststed", "telefon", "epost"])
        for _ in range(count):
            female = rnd.random() < 0.5
            dob = fake.date_of_birth(minimum_age=0, maximum_age=100)
            w.writerow([
                fake.first_name_female() if female else fake.first_name_male(),
                fake.last_name(),
                fake.ssn(dob=dob.strftime("%Y%m%d"), gender="F" if female else "M"),
                dob.isoformat(),
                fake.street_address(),
                fake.postcode(),
                fake.city(),
                fake.phone_number(),
                fake.email(),
            ])
        nbytes = f.tell()
    secs = time.perf_counter() - t1

    print(json.dumps({
        "tool": "faker",
        "faker_version": version("faker"),
        "locale": "no_NO",
        "persons": count,
        "seconds": round(secs, 3),
        "persons_per_s": round(count / secs, 1) if secs > 0 else None,
        "bytes": nbytes,
        "setup_seconds": round(setup, 3),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
