//! The management report and the one-page action list as HTML: snapshots
//! of the fixture, plus what must hold whatever the styling.

mod common;

use etterlev_reports::{Lang, action_list_html, management_html};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn snapshot_management_nb() {
    insta::assert_snapshot!("management_nb", management_html(&common::report(), Lang::Nb));
}

#[test]
fn snapshot_management_en() {
    insta::assert_snapshot!("management_en", management_html(&common::report(), Lang::En));
}

#[test]
fn snapshot_action_list_nb() {
    insta::assert_snapshot!("action_list_nb", action_list_html(&common::report(), Lang::Nb));
}

#[test]
fn management_report_content() {
    let report = common::report();
    let html = management_html(&report, Lang::Nb);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nb\">"));
    assert!(!html.to_lowercase().contains("<script"));
    assert!(html.contains("@media print") && html.contains("size: A4"));
    // One h1, the sections as h2.
    assert_eq!(count(&html, "<h1>"), 1);
    for h2 in [
        "Sammendrag",
        "Resultater",
        "Mangler (5)",
        "Tiltaksplan",
        "Dokumentasjon",
        "Om tallene",
    ] {
        assert!(html.contains(&format!("<h2>{h2}</h2>")), "{h2}");
    }
    // Summary with the overall figures.
    assert!(html.contains("Fjordlegene AS oppfyller 8 av 13 krav som gjelder (62\u{a0}%)"));
    assert!(html.contains("ikke en offisiell poengsum fra Normen"));
    // All three charts, inline.
    assert_eq!(count(&html, "<svg "), 3);
    assert_eq!(count(&html, "role=\"img\""), 3);
    // Scores table: a row per chapter and the total.
    let scores = &html[html.find("<table class=\"scores\">").expect("scores")..];
    let scores = &scores[..scores.find("</table>").expect("end")];
    assert_eq!(count(scores, "<tr>"), 1 + report.chapters.len() + 1);
    assert!(scores.contains("<th scope=\"row\">Totalt</th><td class=\"num\">13</td>"));

    // Gaps: patient safety first, in the caller's order within a priority.
    let gaps = &html[html.find("<table class=\"gaps\">").expect("gaps")..];
    let gaps = &gaps[..gaps.find("</table>").expect("end")];
    assert_eq!(count(gaps, "<tr class=\"gap "), 5);
    let order: Vec<usize> = ["2.1 a", "1.1 b", "2.1 b", "1.2 a", "2.2 a"]
        .iter()
        .map(|id| gaps.find(&format!("<span class=\"req\">{id}</span>")).expect(id))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(gaps.contains("Logg over &lt;tilganger&gt; &amp; oppslag"));

    // Action plan: overdue marked once, closed last.
    let actions = &html[html.find("<table class=\"actions\">").expect("actions")..];
    let actions = &actions[..actions.find("</table>").expect("end")];
    assert_eq!(count(actions, "class=\"overdue-mark\">Forfalt</strong>"), 1);
    assert!(actions.find("Skriv rutine").expect("a") < actions.find("Oppdater risikovurderingen").expect("b"));
    assert!(actions.contains("<tr class=\"action medium closed\">"));

    // Evidence: hashes, a safe link, escaped names.
    assert!(
        html.contains("<span class=\"hash\">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</span>")
    );
    assert!(html.contains("<a href=\"https://intranett.example.no/avvik?vis=alle&amp;sort=dato\">"));
    assert!(html.contains("Loggrapport &lt;mars&gt;.xlsx"));
    assert!(!html.contains("<kontroll>") && !html.contains("<mars>"));
}

#[test]
fn trend_needs_two_points_and_heatmap_needs_data() {
    let mut report = common::report();
    report.trend.truncate(1);
    report.maturity_levels.clear();
    let html = management_html(&report, Lang::En);
    assert_eq!(count(&html, "<svg "), 1);
    assert!(!html.contains("Trend over time"));
}

#[test]
fn empty_report_says_so() {
    let mut report = common::report();
    report.gaps.clear();
    report.actions.clear();
    report.evidence.clear();
    report.chapters.clear();
    let html = management_html(&report, Lang::En);
    assert!(html.contains("No gaps are recorded."));
    assert!(html.contains("No actions are recorded."));
    assert!(html.contains("No evidence has been uploaded."));
    assert!(html.contains("There are 0 gaps and 0 open actions, of which 0 are overdue."));
}

#[test]
fn hostile_links_are_not_links() {
    let mut report = common::report();
    report.evidence[2].url = Some("javascript:alert(1)".into());
    report.tenant = "<img src=x onerror=alert(1)>".into();
    let html = management_html(&report, Lang::Nb);
    assert!(!html.contains("href=\"javascript:"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn action_list_is_short_and_prioritised() {
    let report = common::report();
    let html = action_list_html(&report, Lang::En);
    assert!(html.contains("Fjordlegene AS meets 8 of 13 applicable requirements: 62%."));
    assert!(html.contains("not an official Normen score"));
    // Open actions (3), then the gaps no open action covers (1.2 a has only a
    // closed action; 1.1 b has none): patient safety first.
    let items: Vec<&str> = html.split("<li class=\"").skip(1).collect();
    let todo: Vec<&str> = items
        .iter()
        .take_while(|i| i.contains("class=\"what\""))
        .copied()
        .collect();
    assert_eq!(todo.len(), 5, "{todo:?}");
    assert!(todo[0].starts_with("patient_safety") && todo[0].contains("Skriv rutine for tildeling av tilgang"));
    assert!(todo[0].contains("Overdue"));
    assert!(todo[1].starts_with("patient_safety") && todo[1].contains("Finish: Årlig gjennomgang i ledelsen"));
    assert!(todo[2].starts_with("high"));
    assert!(todo[3].contains("Finish: Risikovurdering før endringer"));
    assert!(todo[4].starts_with("low") && todo[4].contains("Inngå databehandleravtale"));
    assert!(html.contains("What to do next"));
    assert!(!html.contains("<svg"));

    // More than ten: the rest are counted.
    let mut many = common::report();
    let gap = many.gaps[0].clone();
    for i in 0..12 {
        let mut g = gap.clone();
        g.label = format!("9.{i}");
        many.gaps.push(g);
    }
    let html = action_list_html(&many, Lang::Nb);
    assert_eq!(count(&html, "<span class=\"what\">"), 10);
    assert!(html.contains("… og 7 tiltak til i den fullstendige tiltaksplanen."));
}
