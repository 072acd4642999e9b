//! A catalogue version as a file to download: Word, Excel, printable HTML
//! or OSCAL catalog JSON. The catalogue pages and the API both serve these
//! (`/catalog/{key}/export?format=…`, `/api/v1/catalogs/{key}/export?format=…`).

use etterlev_catalog::Catalog;

use crate::kit::i18n::Lang;

/// The formats a catalogue version downloads in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Docx,
    Xlsx,
    Html,
    Oscal,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [Self::Docx, Self::Xlsx, Self::Html, Self::Oscal];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Html => "html",
            Self::Oscal => "oscal",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Docx => crate::kit::DOCX_TYPE,
            Self::Xlsx => crate::kit::XLSX_TYPE,
            Self::Html => "text/html; charset=utf-8",
            Self::Oscal => "application/json",
        }
    }

    /// The file name: `normen-6.0.docx`, `normen-6.0.oscal.json` ….
    pub fn file_name(self, catalog: &Catalog) -> String {
        let stem: String = format!("{}-{}", catalog.id, catalog.version)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        match self {
            Self::Oscal => format!("{stem}.oscal.json"),
            other => format!("{stem}.{}", other.as_str()),
        }
    }
}

/// Why an export failed: only the writers can fail (never the request).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the {format} writer failed: {message}")]
    Writer { format: &'static str, message: String },
}

/// The file's bytes. Word and Excel take a while on a large catalogue, so
/// they are written on a blocking thread.
pub async fn export(catalog: &Catalog, format: ExportFormat, lang: Lang) -> Result<Vec<u8>, ExportError> {
    let report_lang = match lang {
        Lang::En => etterlev_reports::Lang::En,
        _ => etterlev_reports::Lang::Nb,
    };
    let fail = |message: String| ExportError::Writer {
        format: format.as_str(),
        message,
    };
    match format {
        ExportFormat::Html => Ok(etterlev_reports::catalog_html(catalog, report_lang).into_bytes()),
        ExportFormat::Oscal => {
            let now = jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .map_err(|e| fail(e.to_string()))?
                .to_string();
            serde_json::to_vec_pretty(&etterlev_catalog::to_oscal(catalog, &now)).map_err(|e| fail(e.to_string()))
        }
        ExportFormat::Docx | ExportFormat::Xlsx => {
            let catalog = catalog.clone();
            tokio::task::spawn_blocking(move || match format {
                ExportFormat::Docx => etterlev_reports::catalog_docx(&catalog, report_lang),
                _ => etterlev_reports::catalog_xlsx(&catalog, report_lang),
            })
            .await
            .map_err(|e| fail(e.to_string()))?
            .map_err(|e| fail(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_name_files() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(ExportFormat::parse("pdf"), None);
        assert_eq!(ExportFormat::parse("DOCX"), None);
    }
}
