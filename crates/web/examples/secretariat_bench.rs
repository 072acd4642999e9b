//! Issue 7 speed figures: sector statistics over 2,000 opted-in tenants ×
//! 300 answered requirements (one grouped query, per-tenant scores, the
//! protected table) on SQLite and PostgreSQL, and the minutes of a full
//! meeting as .docx (the store's queries and the Word document).
//!
//! ```text
//! cargo run --release -p etterlev-web --example secretariat_bench [-- runs]
//! ```
//!
//! Data are inserted with plain multi-row INSERTs (a realistic shape: 15
//! chapters × 20 requirements, answers spread over every status), then each
//! figure is measured `runs` times (default 30) after one warm-up; the
//! median, p95 and max are printed. PostgreSQL is `ETTERLEV_TEST_PG` or
//! postgres://127.0.0.1:5432/test, in a fresh schema that is dropped after.

use std::time::{Duration, Instant};

use etterlev_core::secretariat::{AttendanceStatus, CaseKind, DocumentKind, DocumentStatus, MemberRole};
use etterlev_reports::MinutesKind;
use etterlev_store::{
    Actor, AttendanceInput, Backend, CaseDecisionInput, CaseInput, DocumentInput, Measure, MeetingInput, NewUser,
    SeatInput, Store,
};
use etterlev_web::i18n::{Lang, Tr};

const TENANTS: usize = 2_000;
const CHAPTERS: usize = 15;
const PER_CHAPTER: usize = 20;

async fn exec(store: &Store, sql: String) {
    let sql = sqlx::AssertSqlSafe(sql);
    let r = match store.backend() {
        Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Backend::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    };
    if let Err(e) = r {
        panic!("bench data: {e}");
    }
}

/// Catalogue `normen@bench`, tenants, one assessment each and their answers.
async fn fill(store: &Store) {
    exec(
        store,
        "INSERT INTO catalogs (key, catalog_id, version, title_nb, date, content, sha256, requirement_count, imported_at) \
         VALUES ('normen@bench', 'normen', 'bench', 'Normen (bench)', '2026-01-01', '{}', 'x', 300, 0)"
            .into(),
    )
    .await;
    let mut nodes = Vec::new();
    for ch in 0..CHAPTERS {
        nodes.push(format!(
            "('normen@bench', 'k{ch}', {}, NULL, 'chapter', '{ch}', 'Kapittel {ch}', 'k{ch}')",
            ch * 100
        ));
        for r in 0..PER_CHAPTER {
            nodes.push(format!(
                "('normen@bench', 'k{ch}.{r}', {}, 'k{ch}', 'requirement', '{ch}.{r}', 'Krav {ch}.{r}', 'k{ch}')",
                ch * 100 + r + 1
            ));
        }
    }
    exec(
        store,
        format!(
            "INSERT INTO catalog_nodes (catalog_key, node_id, position, parent_id, kind, label, title_nb, chapter_id) VALUES {}",
            nodes.join(", ")
        ),
    )
    .await;
    let kinds = [
        "gp_office",
        "dentist",
        "pharmacy",
        "physiotherapist",
        "municipality",
        "hospital_trust",
    ];
    let sizes = ["micro", "small", "medium", "large"];
    for chunk in (0..TENANTS).collect::<Vec<_>>().chunks(500) {
        let tenants: Vec<String> = chunk
            .iter()
            .map(|t| {
                format!(
                    "('t{t:05}', 'Virksomhet {t}', '{}', '{}', '{}', 0, TRUE)",
                    800_000_000 + t,
                    kinds[t % kinds.len()],
                    sizes[(t / 7) % sizes.len()]
                )
            })
            .collect();
        exec(
            store,
            format!(
                "INSERT INTO tenants (id, name, org_number, kind, size_class, created_at, share_statistics) VALUES {}",
                tenants.join(", ")
            ),
        )
        .await;
        let assessments: Vec<String> = chunk
            .iter()
            .map(|t| format!("('t{t:05}', 'a{t:05}', 'normen@bench', 'Egenvurdering', 'full', '{{}}', 0, 1)"))
            .collect();
        exec(
            store,
            format!(
                "INSERT INTO assessments (tenant_id, id, catalog_key, title, kind, profile, created_at, version) VALUES {}",
                assessments.join(", ")
            ),
        )
        .await;
    }
    let statuses = ["implemented", "verified", "partly", "not_started", "not_applicable"];
    for t in 0..TENANTS {
        let rows: Vec<String> = (0..CHAPTERS * PER_CHAPTER)
            .map(|i| {
                let (ch, r) = (i / PER_CHAPTER, i % PER_CHAPTER);
                let s = statuses[(i * 7 + t * 13) % (3 + t % 3)];
                format!("('t{t:05}', 'a{t:05}', 'k{ch}.{r}', '{s}', 1, 0)")
            })
            .collect();
        exec(
            store,
            format!(
                "INSERT INTO answers (tenant_id, assessment_id, node_id, status, version, updated_at) VALUES {}",
                rows.join(", ")
            ),
        )
        .await;
    }
}

/// A meeting of twenty organisations with fifteen cases, three comments each.
async fn meeting(store: &Store, user: &etterlev_store::User) -> String {
    let s = store.secretariat(user).expect("secretariat");
    let mut orgs = Vec::new();
    for i in 0..20 {
        let o = s
            .create_organisation(&format!("Organisasjon {i:02}"), None)
            .await
            .expect("org");
        s.add_seat(&SeatInput {
            organisation_id: o.id.clone(),
            role: if i < 15 {
                MemberRole::Member
            } else {
                MemberRole::Observer
            },
            valid_from: "2024-01-01".into(),
            valid_to: None,
            representative: Some(format!("Representant {i}")),
            deputy: Some(format!("Vara {i}")),
        })
        .await
        .expect("seat");
        orgs.push(o);
    }
    let doc = s
        .create_document(&DocumentInput {
            kind: DocumentKind::FactSheet,
            number: Some("31".into()),
            title: "Passord".into(),
            doc_version: None,
            status: DocumentStatus::ForDecision,
            owner: None,
            working_group: None,
            catalog_key: None,
            published_on: None,
            next_revision: None,
        })
        .await
        .expect("doc");
    let m = s
        .create_meeting(&MeetingInput {
            title: "Styringsgruppemøte".into(),
            meeting_date: "2026-06-11".into(),
            starts: Some("10:00".into()),
            ends: Some("15:00".into()),
            place: Some("Oslo".into()),
        })
        .await
        .expect("meeting");
    let rows: Vec<AttendanceInput> = orgs
        .iter()
        .enumerate()
        .map(|(i, o)| AttendanceInput {
            organisation_id: o.id.clone(),
            person: None,
            status: if i % 4 == 3 {
                AttendanceStatus::Apologies
            } else {
                AttendanceStatus::Present
            },
            present_from: None,
        })
        .collect();
    s.set_attendance(&m.id, &rows).await.expect("attendance");
    for c in 0..15 {
        let case = s
            .add_case(
                &m.id,
                &CaseInput {
                    number: None,
                    kind: if c == 0 {
                        CaseKind::Decision
                    } else {
                        CaseKind::Information
                    },
                    title: format!("Sak nummer {c}"),
                    time_slot: Some("10:00–10:30".into()),
                    presenter: Some("Sekretariatet".into()),
                    background: Some("Bakgrunn i flere avsnitt.\nAndre avsnitt.".repeat(3)),
                    proposal: Some("Styringsgruppen slutter seg til forslaget.".into()),
                    document_id: (c == 0).then(|| doc.id.clone()),
                    proposed_status: None,
                },
            )
            .await
            .expect("case");
        for o in orgs.iter().take(3) {
            s.add_comment(&case.id, &o.id, "En merknad fra organisasjonen.")
                .await
                .expect("comment");
        }
        s.decide(
            &m.id,
            &case.id,
            &CaseDecisionInput {
                decision: "Vedtatt med endringer.".into(),
                new_status: (c == 0).then_some(DocumentStatus::Withdrawn),
            },
        )
        .await
        .expect("decide");
    }
    m.id
}

fn summary(name: &str, mut d: Vec<Duration>) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    let p95 = d[(d.len() * 95 / 100).min(d.len() - 1)];
    println!(
        "{name}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} runs)",
        ms(d[d.len() / 2]),
        ms(p95),
        ms(d[d.len() - 1]),
        d.len()
    );
}

async fn run(store: Store, runs: usize) {
    let name = store.backend_name();
    let start = Instant::now();
    fill(&store).await;
    println!(
        "[{name}] data: {TENANTS} tenants × {} answers in {:.1} s",
        CHAPTERS * PER_CHAPTER,
        start.elapsed().as_secs_f64()
    );
    let user = store
        .create_user(
            &Actor::cli(),
            &NewUser {
                email: "bench@sekretariat.no".into(),
                display_name: "Bench".into(),
                password_hash: None,
                is_secretariat: true,
            },
        )
        .await
        .expect("user");
    let s = store.secretariat(&user).expect("scope");
    let mut times = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let tallies = s.tenant_tallies(&Measure::Overall).await.expect("tallies");
        times.push(t0.elapsed());
        std::hint::black_box(tallies);
    }
    summary(&format!("[{name}] statistics overall: the query alone"), times);
    for (label, measure) in [
        ("overall", Measure::Overall),
        ("chapter", Measure::Chapter("k3".into())),
    ] {
        let t = s.statistics(&measure).await.expect("warm-up");
        let total = t.cell(None, None).enterprises;
        let mut times = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            let table = s.statistics(&measure).await.expect("statistics");
            times.push(t0.elapsed());
            std::hint::black_box(table);
        }
        summary(&format!("[{name}] statistics {label} (total shown: {total:?})"), times);
    }
    let meeting_id = meeting(&store, &user).await;
    let tr = Tr::new(Lang::Nb);
    let mut data_times = Vec::new();
    let mut docx_times = Vec::new();
    let mut size = 0;
    for _ in 0..runs + 1 {
        let t0 = Instant::now();
        let data = etterlev_web::secretariat::minutes_data(&s, &meeting_id, MinutesKind::Minutes, &tr)
            .await
            .expect("minutes data");
        let t1 = Instant::now();
        let bytes = etterlev_reports::minutes_docx(&data, etterlev_reports::Lang::Nb).expect("docx");
        let t2 = Instant::now();
        size = bytes.len();
        data_times.push(t1 - t0);
        docx_times.push(t2 - t0);
    }
    data_times.remove(0);
    docx_times.remove(0);
    summary(&format!("[{name}] minutes: queries only"), data_times);
    summary(
        &format!("[{name}] minutes .docx: queries + document ({size} bytes)"),
        docx_times,
    );
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30)
        .max(1);
    println!(
        "machine: {} × {}; load {}",
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                .split(':')
                .nth(1)
                .unwrap_or("")
                .trim()
                .to_string()))
            .unwrap_or_default(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = Store::open_sqlite(&dir.path().join("bench.db")).await.expect("sqlite");
    sqlite.migrate().await.expect("migrate");
    run(sqlite, runs).await;

    let url = std::env::var("ETTERLEV_TEST_PG").unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into());
    let schema = format!("bench_{}", std::process::id());
    match Store::connect_pg_schema(&url, &schema).await {
        Ok(pg) => {
            pg.migrate().await.expect("migrate pg");
            run(pg.clone(), runs).await;
            if let Backend::Postgres(pool) = pg.backend() {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .execute(pool)
                    .await;
            }
        }
        Err(e) => println!("PostgreSQL not reachable ({e}): skipped"),
    }
}
