//! The server's reminder job: every ten minutes it marks what has passed
//! (measure reviews, evidence validity) and, from six in the morning Oslo
//! time, sends each user who may edit one digest for the day of what is
//! overdue or coming up in their enterprises. A digest is claimed in the
//! database before it is sent and given back if sending fails, so two
//! servers, a restart or a second run never send it twice.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use etterlev_core::date::Day;
use etterlev_store::{DueItem, DueKind, Store, StoreError, User};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::HORIZON_DAYS;
use crate::kit::i18n::{Lang, Tr};
use crate::kit::labels::{due_label, due_path};

/// Actions come into the digest this many days before their deadline.
const ACTION_DAYS: i32 = 7;

/// Sends mail through an SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("the SMTP URL cannot be used: {0}")]
    Url(String),
    #[error("not an e-mail address: {0}")]
    Address(String),
    #[error("the mail could not be sent: {0}")]
    Send(String),
}

impl Mailer {
    /// `url`: `smtp://host:port` (no TLS, for a relay on the same network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`; `from`: `Name <address>`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailerError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailerError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|_| MailerError::Address(from.to_string()))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, to: &User, subject: &str, body: String) -> Result<(), MailerError> {
        let to: Mailbox = format!("{} <{}>", to.display_name.replace(['<', '>', '"'], ""), to.email)
            .parse()
            .or_else(|_| to.email.parse())
            .map_err(|_| MailerError::Address(to.email.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailerError::Send(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailerError::Send(e.to_string()))
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    pub marked: usize,
    pub sent: usize,
    pub failed: usize,
}

/// One user's items, by enterprise name.
type UserItems = (User, BTreeMap<String, Vec<DueItem>>);

/// Marks what has passed at `now`, then sends the day's digests through
/// `mailer` (when given).
pub async fn run_once(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &url::Url,
    now: jiff::Timestamp,
) -> Result<RunReport, StoreError> {
    let today = Day::of(now);
    let mut report = RunReport {
        marked: store.mark_expired(&today.to_string()).await?,
        ..RunReport::default()
    };
    let Some(mailer) = mailer else { return Ok(report) };
    let until = today.plus_days(HORIZON_DAYS).to_string();
    let action_until = today.plus_days(ACTION_DAYS).to_string();
    let mut users: BTreeMap<String, UserItems> = BTreeMap::new();
    for r in store.digest_recipients().await? {
        let scope = store.scope(&r.user, &r.tenant_id).await?;
        let items: Vec<DueItem> = store
            .tenant(&scope)
            .due_items(&until)
            .await?
            .into_iter()
            .filter(|i| i.kind != DueKind::Action || i.date <= action_until)
            .collect();
        if items.is_empty() {
            continue;
        }
        let entry = users
            .entry(r.user.id.clone())
            .or_insert_with(|| (r.user.clone(), BTreeMap::new()));
        entry.1.insert(r.tenant_name, items);
    }
    let tr = Tr::new(Lang::Nb);
    for (user, tenants) in users.values() {
        let count: usize = tenants.values().map(Vec::len).sum();
        if !store.claim_digest(&user.id, &today.to_string(), count).await? {
            continue;
        }
        let subject = tr.msg_with("digest-subject", &[("count", count.to_string())]);
        let body = digest_text(&tr, user, tenants, &today.to_string(), public_url);
        match mailer.send(user, &subject, body).await {
            Ok(()) => report.sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, user = %user.email, "reminder digest not sent; will try again");
                store.release_digest(&user.id, &today.to_string()).await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// The digest's plain text: per enterprise, what has passed and what is coming.
fn digest_text(tr: &Tr, user: &User, tenants: &BTreeMap<String, Vec<DueItem>>, today: &str, base: &url::Url) -> String {
    let mut out = tr.msg_with("digest-greeting", &[("name", user.display_name.clone())]);
    out.push_str("\n\n");
    out.push_str(&tr.msg("digest-intro"));
    out.push('\n');
    for (tenant, items) in tenants {
        out.push_str(&format!("\n{tenant}\n{}\n", "=".repeat(tenant.chars().count().min(60))));
        for (heading, passed) in [("digest-passed", true), ("digest-coming", false)] {
            let list: Vec<&DueItem> = items.iter().filter(|i| (i.date.as_str() < today) == passed).collect();
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}\n", tr.msg(heading)));
            for i in list {
                let link = base
                    .join(due_path(i).trim_start_matches('/'))
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                out.push_str(&format!("  {}  {}\n      {link}\n", tr.date(&i.date), due_label(tr, i)));
            }
        }
    }
    out.push('\n');
    out.push_str(&tr.msg("digest-why"));
    out.push('\n');
    out
}

/// Starts the job: every ten minutes, digests only from 06:00 in Norway.
pub fn spawn(store: Store, mailer: Option<Arc<Mailer>>, public_url: url::Url) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = jiff::Timestamp::now();
            let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
            let morning = now.to_zoned(tz).hour() >= 6;
            let mailer = mailer.as_deref().filter(|_| morning);
            match run_once(&store, mailer, &public_url, now).await {
                Ok(r) if r.marked + r.sent + r.failed > 0 => {
                    tracing::info!(marked = r.marked, sent = r.sent, failed = r.failed, "reminders")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder job failed"),
            }
        }
    });
}
