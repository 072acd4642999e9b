use super::*;

fn det() -> Detector {
    Detector::new(Policy::default(), 0xFF)
}

/// What a plain-text scan counts: raw hits, then the column rules with
/// no column (organisation and account numbers need a context word).
fn find(text: &str) -> Vec<(Kind, String, Confidence)> {
    let d = det();
    let mut out = Vec::new();
    d.detect(text.as_bytes(), &mut out);
    out.retain_mut(|h| h.apply_column(Hints(0)));
    out.iter()
        .map(|h| (h.kind, text[h.start..h.end].to_string(), h.confidence))
        .collect()
}

fn kinds(text: &str) -> Vec<(Kind, String)> {
    find(text).into_iter().map(|(k, s, _)| (k, s)).collect()
}

#[test]
fn person_numbers_and_groupings() {
    for t in ["15108695088", "151086 95088", "151086-95088", "151086 950 88"] {
        let f = find(&format!("x {t} y"));
        assert_eq!(f.len(), 1, "{t}: {f:?}");
        assert_eq!(
            (f[0].0, f[0].1.as_str(), f[0].2),
            (Kind::PersonId, t, Confidence::Medium)
        );
    }
    assert_eq!(find("fnr: 15108695088")[0].2, Confidence::High);
    // Inside a longer digit run: nothing.
    assert!(find("115108695088").is_empty());
    assert!(find("151086950881").is_empty());
    // 2032-only numbers are low confidence without context.
    assert_eq!(find("30108299939")[0].2, Confidence::Low);
    assert_eq!(find("fødselsnummer 30108299939")[0].2, Confidence::High);
    // Space-separated list of ids: each found.
    assert_eq!(find("15108695088 31129956715").len(), 2);
    // A dotted group looks like a decimal: lowered.
    assert_eq!(find("0.15108695088")[0].2, Confidence::Low);
}

#[test]
fn org_and_account_need_context() {
    assert_eq!(kinds("988077917"), vec![]);
    assert_eq!(kinds("orgnr 988077917"), vec![(Kind::OrgNumber, "988077917".into())]);
    assert_eq!(
        kinds("Org.nr. 988 077 917"),
        vec![(Kind::OrgNumber, "988 077 917".into())]
    );
    assert_eq!(kinds("988077917 MVA"), vec![(Kind::OrgNumber, "988077917".into())]);
    assert!(kinds("8601.11.17947").is_empty());
    assert_eq!(
        kinds("kontonr 8601.11.17947"),
        vec![(Kind::AccountNumber, "8601.11.17947".into())]
    );
    assert_eq!(
        kinds("konto: 86011117947"),
        vec![(Kind::AccountNumber, "86011117947".into())]
    );
}

#[test]
fn phones() {
    assert_eq!(
        find("ring +47 912 34 567 i dag")[0],
        (Kind::Phone, "+47 912 34 567".into(), Confidence::High)
    );
    assert_eq!(
        find("+4791234567")[0],
        (Kind::Phone, "+4791234567".into(), Confidence::High)
    );
    assert_eq!(find("0047 91234567")[0].1, "0047 91234567");
    assert_eq!(
        find("91 23 45 67")[0],
        (Kind::Phone, "91 23 45 67".into(), Confidence::Medium)
    );
    assert_eq!(find("22 33 44 55")[0].2, Confidence::Medium);
    assert_eq!(find("91234567")[0].2, Confidence::Medium);
    assert_eq!(find("22334455")[0].2, Confidence::Low);
    assert_eq!(find("tlf 22334455")[0].2, Confidence::High);
    assert!(find("80012345").is_empty());
    assert!(find("12345678").is_empty());
    assert!(
        find("1 22 33 44 55")
            .iter()
            .all(|h| h.0 != Kind::Phone || h.2 == Confidence::Low)
    );
}

#[test]
fn emails() {
    assert_eq!(
        kinds("skriv til ola.nordmann@example.no."),
        vec![(Kind::Email, "ola.nordmann@example.no".into())]
    );
    assert_eq!(
        kinds("<kari+test@sub.døgn.no>"),
        vec![(Kind::Email, "kari+test@sub.døgn.no".into())]
    );
    assert!(kinds("user@localhost").is_empty());
    assert!(kinds("@@@ a@b.c").is_empty());
    assert!(kinds("ola@.no").is_empty());
}

#[test]
fn names() {
    assert_eq!(
        kinds("Pasient Ola Nordmann kom inn"),
        vec![(Kind::Name, "Ola Nordmann".into())]
    );
    assert_eq!(kinds("Kari Anne Hansen"), vec![(Kind::Name, "Kari Anne Hansen".into())]);
    assert_eq!(
        kinds("Anne-Marie Hansen"),
        vec![(Kind::Name, "Anne-Marie Hansen".into())]
    );
    assert_eq!(kinds("Hansen, Kari"), vec![(Kind::Name, "Hansen, Kari".into())]);
    assert_eq!(kinds("OLA NORDMANN"), vec![(Kind::Name, "OLA NORDMANN".into())]);
    assert_eq!(kinds("Bjørn Ødegård"), vec![(Kind::Name, "Bjørn Ødegård".into())]);
    // Single names, lower case and names inside words are not reported.
    assert!(kinds("Ola kom").is_empty());
    assert!(kinds("ola nordmann").is_empty());
    assert!(kinds("Olav Nordmannsen").is_empty());
    assert!(kinds("Ola, Nordmann").is_empty());
}

#[test]
fn addresses() {
    assert_eq!(
        find("bor i Storgata 5B, 0150 Oslo nå")[0],
        (Kind::Address, "Storgata 5B, 0150 Oslo".into(), Confidence::High)
    );
    assert_eq!(kinds("Kirkeveien 12"), vec![(Kind::Address, "Kirkeveien 12".into())]);
    assert_eq!(
        kinds("Karl Johans gate 1"),
        vec![(Kind::Address, "Karl Johans gate 1".into())]
    );
    assert_eq!(kinds("Bygdøy allé 23"), vec![(Kind::Address, "Bygdøy allé 23".into())]);
    assert_eq!(find("0150 Oslo")[0].2, Confidence::Low);
    assert_eq!(find("Adresse: 0150 Oslo")[0].2, Confidence::Medium);
    assert!(kinds("arbeidsplass 3").is_empty());
    assert!(kinds("Storgata 5kg").is_empty());
}

#[test]
fn masking() {
    assert_eq!(mask(Kind::PersonId, "15108695088"), "1510******8");
    assert_eq!(mask(Kind::PersonId, "151086 95088"), "1510** ****8");
    assert_eq!(mask(Kind::Phone, "+47 912 34 567"), "+47 91* ** **7");
    assert_eq!(mask(Kind::Phone, "91234567"), "91*****7");
    assert_eq!(mask(Kind::Email, "ola.nordmann@example.no"), "o***@example.no");
    assert_eq!(mask(Kind::Name, "Ola Nordmann"), "O** N*******");
    assert_eq!(mask(Kind::Address, "Storgata 5B, 0150 Oslo"), "S******* **, **** O***");
}
