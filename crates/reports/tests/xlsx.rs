//! The spreadsheet read back by an independent reader (calamine), and its
//! sheet XML checked for the frozen header and the autofilter.

mod common;

use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use etterlev_catalog::NodeKind;
use etterlev_reports::{Lang, catalog_xlsx, catalog_xlsx_on};

fn read_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the file");
    let range = workbook.worksheet_range(sheet).expect("sheet exists");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("xlsx is a zip");
    let mut file = archive.by_name(name).expect("entry exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

#[test]
fn one_row_per_non_structural_node_with_header() {
    let catalog = common::sample();
    let bytes = catalog_xlsx_on(&catalog, Lang::Nb, common::generated()).expect("xlsx");
    let rows = read_rows(&bytes, "Krav");

    assert_eq!(
        rows[0],
        [
            "ID",
            "Nummer",
            "Kapittel",
            "Seksjon",
            "Type",
            "Tittel",
            "Tekst",
            "Gjelder for (virksomhetstyper)",
            "Størrelser",
            "Vilkår",
            "Stikkord",
            "Referanser",
            "Spørsmål",
            "Verifisert mot kilden",
            "Nummerering",
        ]
    );
    let expected = common::count(&catalog, NodeKind::Requirement)
        + common::count(&catalog, NodeKind::Recommendation)
        + common::count(&catalog, NodeKind::Guidance);
    assert_eq!(expected, 10, "fixture changed");
    assert_eq!(rows.len() - 1, expected);

    // Reading order, and every id exactly once.
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        [
            "1.1-a",
            "1.1-b",
            "1.2-a",
            "risk-guide",
            "2.1-a",
            "2.1-b",
            "2.2-a",
            "3.1-a",
            "3.1-b",
            "3.2-a"
        ]
    );

    let row = |id: &str| rows.iter().find(|r| r[0] == id).expect("row").clone();
    let r = row("1.1-a");
    assert_eq!(r[1], "1.1 a");
    assert_eq!(r[2], "1 Ledelse og styring");
    assert_eq!(r[3], "1.1 Roller og ansvar");
    assert_eq!(r[4], "Krav");
    assert_eq!(r[7], "Alle");
    assert_eq!(r[10], "governance, nis2:a");
    assert!(
        r[11].contains("Normen 6.0, 2.1 — https://www.helsedirektoratet.no/normen"),
        "{}",
        r[11]
    );
    assert!(r[11].contains("Personvernforordningen (GDPR), art. 24"));
    assert!(r[12].starts_with("Har dere bestemt"));
    assert_eq!(r[13], "Ja");

    assert_eq!(row("1.1-b")[4], "Anbefaling");
    assert_eq!(row("risk-guide")[4], "Veiledning");
    assert_eq!(row("risk-guide")[1], "");
    assert_eq!(row("2.1-b")[13], "Nei");
    // Whose number it is: the catalogue's numbering, or the node's own.
    assert_eq!(row("1.1-a")[14], "kildens egne nummer");
    assert_eq!(row("2.1-b")[14], "vårt nummer, ikke kildens");
    assert_eq!(row("risk-guide")[14], "", "no number, nothing to mark");
    assert_eq!(row("2.1-a")[8], "50–249 ansatte, 250 ansatte eller flere");

    // 2.2-a inherits the cloud condition and note from its section.
    let r = row("2.2-a");
    assert_eq!(r[7], "Helseforetak, Kommune");
    assert!(
        r[9].starts_with("Bruker skytjenester\nMerknad: Gjelder bare"),
        "{}",
        r[9]
    );

    // Multi-paragraph text keeps its paragraphs; markup stays text.
    assert!(row("1.2-a")[6].contains("endringer.\n\nVurderingen"));
    assert!(row("1.2-a")[6].contains("<lav>"));

    // The about sheet names the catalogue.
    let about = read_rows(&bytes, "Om");
    assert!(about.iter().any(|r| r[0] == "Versjon" && r[1] == "1.0"));
    assert!(about.iter().any(|r| r[0] == "Generert" && r[1] == "2025-03-01"));
}

#[test]
fn english_labels_and_fallback_to_bokmal() {
    let catalog = common::sample();
    let bytes = catalog_xlsx(&catalog, Lang::En).expect("xlsx");
    let rows = read_rows(&bytes, "Requirements");
    assert_eq!(
        rows[0][0..7],
        ["ID", "Number", "Chapter", "Section", "Kind", "Title", "Text"]
    );
    let r = rows.iter().find(|r| r[0] == "3.2-a").expect("row");
    assert_eq!(r[4], "Requirement");
    assert_eq!(r[5], "Notifying the authorities");
    // No English text in the fixture: the bokmål text is used.
    assert!(r[6].starts_with("Alvorlige hendelser"));
    assert_eq!(r[13], "No");
    let r = rows.iter().find(|r| r[0] == "1.1-b").expect("row");
    assert_eq!(r[4], "Recommendation");
}

#[test]
fn header_is_frozen_and_filter_covers_the_table() {
    let catalog = common::sample();
    let bytes = catalog_xlsx_on(&catalog, Lang::Nb, common::generated()).expect("xlsx");
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
        "{sheet}"
    );
    // 15 columns (A–O), header plus 10 rows.
    assert!(sheet.contains(r#"<autoFilter ref="A1:O11"/>"#), "{sheet}");
    // Every data cell wraps; column widths are set.
    assert!(sheet.contains("<cols>"));
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"wrapText="1""#));
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm._FilterDatabase"));
}
