//! Outgoing mail through SMTP (lettre), when `[mail] smtp_url` is set: account links and alert
//! notifications. Without it, account links wait in the outbox shown to admins and alerts are
//! only on the sites page.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::secret_url::DatabaseUrl;

/// A mail server that does not answer within this long is down, not slow.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…:465`, or `smtp://localhost:25`
    /// (no TLS) for a local relay; unset means no mail is sent. The password never reaches a log.
    pub smtp_url: Option<DatabaseUrl>,
    /// The sender, e.g. `HashInsight <alerts@example.com>`.
    pub from: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "HashInsight <hashinsight@localhost>".to_owned(),
        }
    }
}

/// The SMTP sender. Connections are pooled by lettre, so a burst of mails reuses one.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// The mailer the settings describe, or `None` without an SMTP URL. A malformed URL or
    /// sender is an error at start, not at the first alert.
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Option<Self>> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|err| anyhow::anyhow!("[mail] smtp_url {url}: {err}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = settings
            .from
            .parse()
            .map_err(|err| anyhow::anyhow!("[mail] from {:?}: {err}", settings.from))?;
        Ok(Some(Self { transport, from }))
    }

    /// Sends one plain-text UTF-8 mail to every address of `to`.
    pub async fn send_to(&self, to: &[String], subject: &str, body: &str) -> Result<(), String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for address in to {
            let mailbox: Mailbox = address
                .parse()
                .map_err(|err| format!("recipient {address:?}: {err}"))?;
            builder = builder.to(mailbox);
        }
        let message = builder
            .body(body.to_owned())
            .map_err(|err| err.to_string())?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|err| err.to_string())
    }
}

#[async_trait]
impl app::ssr::identity::Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        self.send_to(&[to.to_owned()], subject, body).await
    }
}
