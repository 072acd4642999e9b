//! The SVG charts: a snapshot of each for the fixture report, and the
//! properties that must hold whatever the drawing (accessibility, escaping,
//! no scripts, well-formed XML).

mod common;

use etterlev_reports::charts::{chapter_bars, maturity_heatmap, trend_line};
use etterlev_reports::{ChapterRow, Lang, TrendPoint};

#[test]
fn snapshot_chapter_bars() {
    insta::assert_snapshot!("chapter_bars_nb", chapter_bars(&common::report().chapters, Lang::Nb));
}

#[test]
fn snapshot_maturity_heatmap() {
    insta::assert_snapshot!(
        "maturity_heatmap_nb",
        maturity_heatmap(&common::report().maturity_levels, Lang::Nb)
    );
}

#[test]
fn snapshot_trend_line() {
    insta::assert_snapshot!("trend_line_en", trend_line(&common::report().trend, Lang::En));
}

/// Checks every chart must pass: accessible name and description, a
/// viewBox and no fixed size, no script or event handler, escaped text,
/// balanced tags.
fn check(svg: &str) {
    let start = &svg[..svg.find('>').expect("start tag")];
    assert!(
        start.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 "),
        "{start}"
    );
    assert!(start.contains("role=\"img\""));
    assert!(
        !start.contains(" width=") && !start.contains(" height="),
        "scales: {start}"
    );
    let labelled = start.split("aria-labelledby=\"").nth(1).expect("aria-labelledby");
    for id in labelled[..labelled.find('"').expect("end")].split(' ') {
        assert!(svg.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(svg.contains("<title id=") && svg.contains("<desc id="));
    let lower = svg.to_lowercase();
    assert!(!lower.contains("<script") && !lower.contains("javascript:"));
    assert!(!svg.contains("<kontroll>") && !svg.contains("& "), "escaped");
    // Every opened element is closed (self-closing or with an end tag).
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find('<') {
        let end = rest[at..].find('>').expect("tag ends") + at;
        let tag = &rest[at + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing {name}");
        } else {
            for attribute in tag.split_whitespace().skip(1) {
                assert!(!attribute.to_lowercase().starts_with("on"), "event handler: {tag}");
            }
        }
        if !tag.starts_with('/') && !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().expect("name").to_owned());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{stack:?}");
}

#[test]
fn charts_are_accessible_and_escaped() {
    let report = common::report();
    for lang in [Lang::Nb, Lang::En] {
        check(&chapter_bars(&report.chapters, lang));
        check(&maturity_heatmap(&report.maturity_levels, lang));
        check(&trend_line(&report.trend, lang));
        check(&chapter_bars(&[], lang));
        check(&maturity_heatmap(&[], lang));
        check(&trend_line(&[], lang));
        check(&trend_line(&report.trend[..1], lang));
    }
}

#[test]
fn every_value_is_written_as_text() {
    let report = common::report();
    let bars = chapter_bars(&report.chapters, Lang::En);
    // 4/6, 1/4, 3/3; the chapter where nothing applies shows a dash.
    for value in [">67%<", ">25%<", ">100%<", ">–<"] {
        assert!(bars.contains(value), "{value}");
    }
    assert_eq!(bars.matches("<rect ").count(), 3, "no bar where nothing applies");
    // The long chapter title is cut, with the full title as a tooltip.
    assert!(bars.contains("<title>3 Hendelseshåndtering og varsling til myndighetene ved alvorlige hendelser</title>"));
    // The description states every value.
    assert!(
        bars.contains("<desc id=")
            && bars.contains("1 Ledelse og styring: 67%; 2 Risikostyring &amp; &lt;kontroll&gt;: 25%")
    );

    let heat = maturity_heatmap(&report.maturity_levels, Lang::Nb);
    assert_eq!(heat.matches("<rect ").count(), 24, "4 chapters × 6 levels");
    assert!(heat.contains("3 Hendelseshåndtering: nivå 0: 0, nivå 1: 0, nivå 2: 0, nivå 3: 0, nivå 4: 3, nivå 5: 0"));

    let trend = trend_line(&report.trend, Lang::Nb);
    assert_eq!(trend.matches("<polyline ").count(), 2);
    for value in [
        ">30\u{a0}%<",
        ">20\u{a0}%<",
        ">48\u{a0}%<",
        ">35\u{a0}%<",
        ">62\u{a0}%<",
        ">55\u{a0}%<",
    ] {
        assert!(trend.contains(value), "{value}\n{trend}");
    }
    assert!(
        trend.contains("stroke-dasharray=\"6 4\""),
        "series differ by more than colour"
    );
}

#[test]
fn hostile_and_odd_values() {
    let rows = vec![ChapterRow {
        label: "<script>".into(),
        title: "\"onload=alert(1)".into(),
        score: etterlev_core::Score {
            applicable: 1,
            compliance: f64::NAN,
            ..Default::default()
        },
    }];
    let svg = chapter_bars(&rows, Lang::En);
    check(&svg);
    assert!(svg.contains("&lt;script&gt; &quot;onload=alert(1)"));
    assert!(svg.contains(">0%<"), "NaN shows as 0");
    let points = vec![
        TrendPoint {
            label: "a".into(),
            compliance: 250.0,
            maturity: -3.0,
        },
        TrendPoint {
            label: "b".into(),
            compliance: f64::INFINITY,
            maturity: 50.0,
        },
    ];
    let svg = trend_line(&points, Lang::En);
    check(&svg);
    assert!(svg.contains(">100%<") && svg.contains(">0%<"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn ids_differ_between_charts() {
    let report = common::report();
    let a = chapter_bars(&report.chapters, Lang::Nb);
    let b = chapter_bars(&report.chapters[..2], Lang::Nb);
    let id = |s: &str| {
        s.split("<title id=\"")
            .nth(1)
            .map(|r| r[..r.find('"').unwrap_or(0)].to_owned())
    };
    assert_ne!(id(&a), id(&b));
    assert_eq!(
        id(&a),
        id(&chapter_bars(&report.chapters, Lang::Nb)),
        "stable between runs"
    );
}
