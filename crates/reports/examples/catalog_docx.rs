//! Writes one catalogue's full document, for looking at it in Word or
//! LibreOffice without the CLI:
//!
//! ```text
//! cargo run -p etterlev-reports --example catalog_docx -- catalog normen /tmp/normen.docx [nb|en]
//! ```

use std::path::Path;
use std::process::ExitCode;

use etterlev_reports::{Lang, catalog_docx};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, key, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: catalog_docx <catalog dir> <catalog key> <out.docx> [nb|en]");
        return ExitCode::FAILURE;
    };
    let lang = match rest.first().map(String::as_str) {
        None | Some("nb") => Lang::Nb,
        Some("en") => Lang::En,
        Some(other) => {
            eprintln!("unknown language {other:?}: nb or en");
            return ExitCode::FAILURE;
        }
    };
    let set = match etterlev_catalog::load_path(Path::new(dir)) {
        Ok(set) => set,
        Err(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            return ExitCode::FAILURE;
        }
    };
    let Some(catalog) = set.catalog(key) else {
        eprintln!("no catalogue {key:?} in {dir}");
        return ExitCode::FAILURE;
    };
    let bytes = match catalog_docx(catalog, lang) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(out, bytes) {
        eprintln!("{out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
