//! LibreOffice as an independent reader: converts a document to HTML,
//! and small helpers to read that HTML.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn soffice() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("soffice"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain([
            PathBuf::from("/usr/bin/soffice"),
            PathBuf::from("/usr/lib/libreoffice/program/soffice"),
        ])
        .find(|p| p.is_file())
}

/// Converts `docx` to HTML with LibreOffice and returns the HTML, or `None`
/// (after saying so) when LibreOffice is not installed outside CI.
pub fn libreoffice_html(docx: &[u8], name: &str) -> Option<String> {
    let Some(soffice) = soffice() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("LibreOffice (soffice) is required in CI: apt-get install libreoffice-writer-nogui");
        }
        println!("SKIPPED: LibreOffice (soffice) not installed");
        eprintln!("SKIPPED: LibreOffice (soffice) not installed");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(format!("{name}.docx"));
    std::fs::write(&input, docx).expect("write docx");
    let out = dir.path().join("out");
    // A fresh profile per run: no lock shared with other runs or a desktop session.
    let profile = dir.path().join("lo-profile");
    let mut child = Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "html", "--outdir"])
        .arg(&out)
        .arg(&input)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soffice");
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for soffice") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("soffice did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "soffice failed ({status}): {stderr}");
    let html_path: PathBuf = out.join(format!("{name}.html"));
    Some(
        std::fs::read_to_string(&html_path)
            .unwrap_or_else(|e| panic!("no {}: {e}; stderr: {stderr}", path(&html_path))),
    )
}

pub fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Opening tags `<hN` (followed by a space or `>`) in the HTML.
pub fn headings(html: &str, level: u8) -> usize {
    let tag = format!("<h{level}");
    html.match_indices(&tag)
        .filter(|(i, _)| matches!(html.as_bytes().get(i + tag.len()), Some(b' ' | b'>' | b'\n' | b'\t')))
        .count()
}

/// The visible text: tags removed, entities decoded, whitespace collapsed
/// (LibreOffice wraps long lines), non-breaking hyphens (table cells keep
/// "Sør-Øst" whole with them) read as hyphens and zero-width spaces (the
/// break opportunities in links) dropped.
pub fn text(html: &str) -> String {
    let body = html.split_once("<body").map_or(html, |(_, b)| b);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = decode_entities(&out).replace('\u{2011}', "-").replace('\u{200b}', "");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
