//! Reminders people see: the dashboard's list of what expires, evidence
//! validity, the calendar feed (parsed by the Python `icalendar` package)
//! and the daily digest, sent to a real SMTP server (Python's `aiosmtpd`)
//! and read back with Python's `email` package.

use std::process::{Child, Command, Stdio};

use etterlev_web::reminders::{Mailer, run_once};

use crate::common::{TestApp, extract_csrf};
use crate::wizard::{get, ok, post, s};

/// Python with these modules, or None outside CI (where they are required).
fn python_with(modules: &str) -> Option<()> {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(());
    }
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "python3 with {modules} is required in CI"
    );
    println!("SKIPPED: python3 with {modules} is not installed");
    None
}

/// A measure through the form, due for review on `review_by`.
async fn measure(c: &reqwest::Client, app: &TestApp, csrf: &str, title: &str, review_by: &str) -> String {
    let form = [
        s("_csrf", csrf),
        s("title", title),
        s("kind", "organisational"),
        s("status", "implemented"),
        s("review_by", review_by),
    ];
    let (status, location, body) = post(c, app, "/measures/new", &form).await;
    assert_eq!(status, 303, "[{}] {body}", app.backend);
    location
        .strip_prefix("/measures/")
        .and_then(|l| l.split('?').next())
        .unwrap_or_default()
        .to_string()
}

fn days_from_today(n: i32) -> String {
    etterlev_core::date::Day::of(jiff::Timestamp::now())
        .plus_days(n)
        .to_string()
}

#[tokio::test]
async fn the_dashboard_and_the_calendar_show_what_falls_due() {
    for app in TestApp::both().await {
        let be = app.backend;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let csrf = extract_csrf(&ok(&admin, &app, "/measures/new").await);
        measure(&admin, &app, &csrf, "Gjennomgå tilgangsstyring", &days_from_today(10)).await;
        measure(&admin, &app, &csrf, "Gammel sjekk", &days_from_today(-3)).await;
        measure(&admin, &app, &csrf, "Langt fram", &days_from_today(200)).await;
        let home = ok(&admin, &app, "/").await;
        let due = home.split("id=\"due\"").nth(1).unwrap_or("");
        assert!(due.contains("Gjennomgang: Gjennomgå tilgangsstyring"), "[{be}] {due}");
        assert!(due.contains("Gammel sjekk") && due.contains("Passert"), "[{be}]");
        assert!(!due.contains("Langt fram"), "[{be}] more than 30 days ahead");

        // The calendar link, made once, works without a session.
        let page = ok(&admin, &app, "/account/calendar").await;
        let csrf = extract_csrf(&page);
        let (status, _, page) = post(&admin, &app, "/account/calendar", &[s("_csrf", &csrf)]).await;
        assert_eq!(status, 200, "[{be}]");
        let link = page
            .split("id=\"calendar-link\"")
            .nth(1)
            .and_then(|r| r.split("value=\"").nth(1))
            .and_then(|r| r.split('"').next())
            .expect("the link is shown")
            .to_string();
        assert!(
            link.starts_with(&app.url("/calendar/etl_cal_")) && link.ends_with(".ics"),
            "[{be}] {link}"
        );
        let anonymous = reqwest::Client::new();
        let r = anonymous.get(&link).send().await.expect("feed");
        assert_eq!(r.status(), 200, "[{be}]");
        assert!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .starts_with("text/calendar"),
            "[{be}]"
        );
        let ics = r.text().await.expect("text");
        assert!(
            ics.contains("SUMMARY:Gjennomgang: Gjennomgå tilgangsstyring"),
            "[{be}] {ics}"
        );
        assert!(
            ics.contains("SUMMARY:Gjennomgang: Langt fram"),
            "[{be}] a year ahead is in the feed"
        );
        if python_with("icalendar").is_some() {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("feed.ics");
            std::fs::write(&path, &ics).expect("write");
            let script = "import sys, json, icalendar\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
                print(json.dumps([[str(e.get('summary')), e.decoded('dtstart').isoformat(), str(e.get('uid'))] \
                for e in cal.walk('VEVENT')]))";
            let out = Command::new("python3")
                .args(["-c", script, &path.to_string_lossy()])
                .output()
                .expect("python");
            assert!(out.status.success(), "[{be}] {}", String::from_utf8_lossy(&out.stderr));
            let events: Vec<(String, String, String)> = serde_json::from_slice(&out.stdout).expect("json");
            let due = days_from_today(10);
            assert!(
                events.iter().any(
                    |(summary, date, uid)| summary == "Gjennomgang: Gjennomgå tilgangsstyring"
                        && *date == due
                        && uid.starts_with("measure-")
                ),
                "[{be}] {events:?}"
            );
        }

        // A new link replaces the old; revoking ends it.
        let (_, _, page) = post(&admin, &app, "/account/calendar", &[s("_csrf", &csrf)]).await;
        assert!(page.contains("calendar-link"), "[{be}]");
        assert_eq!(
            anonymous.get(&link).send().await.expect("old").status(),
            404,
            "[{be}] the old link is dead"
        );
        let (status, _, _) = post(&admin, &app, "/account/calendar/revoke", &[s("_csrf", &csrf)]).await;
        assert_eq!(status, 200, "[{be}]");
        for path in ["/calendar/etl_cal_nope.ics", "/calendar/x", "/calendar/etl_cal_.ics"] {
            assert_eq!(get(&anonymous, &app, path).await.0, 404, "[{be}] {path}");
        }
    }
}

/// `python3 -m aiosmtpd` on a free port, storing mail in a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    async fn start() -> Option<SmtpServer> {
        python_with("aiosmtpd")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = tempfile::tempdir().expect("tempdir");
        let maildir = dir.path().join("mail");
        let mut child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Some(SmtpServer { child, port, dir });
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start");
    }

    /// Every mail received: (to, subject, plain-text body), read with Python.
    fn mail(&self) -> Vec<(String, String, String)> {
        let script = "import sys, json, mailbox, email.header\nout = []\nfor m in mailbox.Maildir(sys.argv[1], create=False):\n    \
            subject = str(email.header.make_header(email.header.decode_header(m['subject'])))\n    \
            out.append([m['to'], subject, m.get_payload(decode=True).decode('utf-8')])\nprint(json.dumps(out))";
        let out = Command::new("python3")
            .args(["-c", script, &self.dir.path().join("mail").to_string_lossy()])
            .output()
            .expect("python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("json")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn one_digest_a_day_reaches_the_smtp_server() {
    let Some(smtp) = SmtpServer::start().await else { return };
    for app in TestApp::both().await {
        let be = app.backend;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let csrf = extract_csrf(&ok(&admin, &app, "/measures/new").await);
        let title = format!("Digest-test {be}");
        measure(&admin, &app, &csrf, &title, &days_from_today(5)).await;
        measure(&admin, &app, &csrf, &format!("Utløpt {be}"), &days_from_today(-1)).await;
        let base = url::Url::parse(&app.url("/")).expect("url");
        let now = jiff::Timestamp::now();

        // A server that does not answer: nothing is lost, the claim is given back.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let dead = Mailer::new(&format!("smtp://127.0.0.1:{closed}"), "etterlev <noreply@example.no>").expect("mailer");
        let r = run_once(&app.store, Some(&dead), &base, now).await.expect("run");
        assert!(r.failed >= 1 && r.sent == 0, "[{be}] {r:?}");
        assert!(r.marked >= 1, "[{be}] the passed review is marked");

        let mailer = Mailer::new(
            &format!("smtp://127.0.0.1:{}", smtp.port),
            "etterlev <noreply@example.no>",
        )
        .expect("mailer");
        let before = smtp.mail().len();
        let r = run_once(&app.store, Some(&mailer), &base, now).await.expect("run");
        assert!(r.sent >= 1 && r.failed == 0, "[{be}] {r:?}");
        let mail = smtp.mail();
        assert_eq!(mail.len(), before + r.sent, "[{be}]");
        let (to, subject, body) = mail
            .iter()
            .find(|(to, _, body)| to.contains(etterlev_web::demo::ADMIN_EMAIL) && body.contains(&title))
            .expect("the admin's digest");
        assert!(to.contains(etterlev_web::demo::ADMIN_EMAIL), "[{be}]");
        assert!(
            subject.starts_with("etterlev: ") && subject.contains("ting å følge opp"),
            "[{be}] {subject}"
        );
        assert!(
            body.contains(&format!("Gjennomgang: {title}")) && body.contains("Passert:"),
            "[{be}] {body}"
        );
        assert!(body.contains(&app.url("/measures/")), "[{be}] links to the page");
        // One mail for the user, not one per item.
        let admins = mail
            .iter()
            .filter(|(to, _, b)| to.contains(etterlev_web::demo::ADMIN_EMAIL) && b.contains(&title))
            .count();
        assert_eq!(admins, 1, "[{be}]");

        // The same day again: nothing more; the marks are not repeated either.
        let again = run_once(&app.store, Some(&mailer), &base, now).await.expect("again");
        assert_eq!((again.sent, again.marked), (0, 0), "[{be}] {again:?}");
        assert_eq!(smtp.mail().len(), before + r.sent, "[{be}]");
    }
}

#[tokio::test]
async fn evidence_validity_is_set_on_the_requirement_page() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let csrf = extract_csrf(&ok(&admin, &app, "/assessments").await);
        let r = admin
            .post(app.url("/assessments"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("catalog", "fixdemo@2.0"),
                ("title", "Gyldighet"),
                ("kind", "hospital_trust"),
                ("size", "large"),
                ("start_from", ""),
            ])
            .send()
            .await
            .expect("create");
        let assessment = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .and_then(|l| l.strip_prefix("/assessments/"))
            .expect("assessment")
            .to_string();
        let form = [
            s("_csrf", &csrf),
            s("do", "link"),
            s("url", "https://example.no/sertifikat"),
            s("title", "ISO-sertifikat"),
            s("version", "0"),
            s("status", "not_started"),
        ];
        let (status, _, body) = post(
            &admin,
            &app,
            &format!("/assessments/{assessment}/req/2.1-a/link"),
            &form,
        )
        .await;
        assert_eq!(status, 303, "[{be}] {body}");
        let page = ok(&admin, &app, &format!("/assessments/{assessment}/req/2.1-a")).await;
        let evidence = page
            .split("id=\"valid-form-")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a validity form")
            .to_string();
        let path = format!("/assessments/{assessment}/evidence/{evidence}/valid-until");
        let (status, _, body) = post(
            &admin,
            &app,
            &path,
            &[s("_csrf", &csrf), s("valid_until", "31.12.2026")],
        )
        .await;
        assert_eq!(status, 422, "[{be}] {body}");
        assert!(
            body.contains("Gyldighetsdatoen må være en gyldig dato"),
            "[{be}] in Norwegian"
        );
        let day = days_from_today(20);
        let (status, _, _) = post(&admin, &app, &path, &[s("_csrf", &csrf), s("valid_until", &day)]).await;
        assert_eq!(status, 303, "[{be}]");
        let home = ok(&admin, &app, "/").await;
        assert!(home.contains("Dokumentasjon utløper: ISO-sertifikat"), "[{be}]");
        // Someone else's evidence id is not found.
        let other = format!("/assessments/{assessment}/evidence/00000000-0000-7000-8000-000000000000/valid-until");
        assert_eq!(
            post(&admin, &app, &other, &[s("_csrf", &csrf), s("valid_until", "")])
                .await
                .0,
            404,
            "[{be}]"
        );
    }
}
