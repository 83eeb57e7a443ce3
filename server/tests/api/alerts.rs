//! Alerts end to end on both engines: batches posted to the ingest API with a collector key
//! open, escalate and resolve alerts through the engine; the mail goes out over real SMTP (to a
//! local mail server that records what it is sent); staff acknowledge over HTTP, clients see
//! only their own miners' alerts and may not acknowledge; a silent collector raises offline
//! alerts from the sweep.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use domain::access::Role;
use domain::fleet::{InsertOutcome, MinerStatus, NewCustomer, NewMiner};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use crate::helpers::{Backend, TestApp, TestMember, call};
use crate::on_both_engines;

const KEY_HEADER: &str = "x-collector-key";
const TELEMETRY: &str = "/api/v1/collector/telemetry";

/// A mail as the SMTP server received it.
#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    data: String,
}

/// A minimal SMTP server on a free port: it accepts every mail and keeps it, as a relay would.
struct SmtpSink {
    port: u16,
    mails: Arc<Mutex<Vec<Received>>>,
    /// While set, every message is refused with a temporary failure (451), as a relay that is
    /// overloaded or greylisting does.
    refusing: Arc<AtomicBool>,
    /// Messages refused so far.
    refused: Arc<AtomicUsize>,
}

impl SmtpSink {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        let refusing = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(AtomicUsize::new(0));
        let (refusing_now, refused_count) = (refusing.clone(), refused.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                let (refusing_now, refused_count) = (refusing_now.clone(), refused_count.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut recipients = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "MAIL" if refusing_now.load(Ordering::SeqCst) => {
                                refused_count.fetch_add(1, Ordering::SeqCst);
                                b"451 4.3.0 try again later\r\n"
                            }
                            "RCPT" => {
                                let address = line
                                    .split_once('<')
                                    .and_then(|(_, rest)| rest.split_once('>'))
                                    .map(|(address, _)| address.to_owned())
                                    .unwrap_or_default();
                                recipients.push(address);
                                b"250 ok\r\n"
                            }
                            "DATA" => {
                                write.write_all(b"354 go on\r\n").await.unwrap();
                                let mut data = String::new();
                                while let Ok(Some(line)) = lines.next_line().await {
                                    if line == "." {
                                        break;
                                    }
                                    data.push_str(&line);
                                    data.push('\n');
                                }
                                kept.lock().await.push(Received {
                                    recipients: std::mem::take(&mut recipients),
                                    data,
                                });
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self {
            port,
            mails,
            refusing,
            refused,
        }
    }

    /// The mails received, waiting up to 10 s for the first.
    async fn wait_for_mail(&self) -> Vec<Received> {
        for _ in 0..100 {
            let mails = self.mails.lock().await.clone();
            if !mails.is_empty() {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail within 10 s");
    }
}

/// A site run by `site_owner` with two approved miners of two customers (linked to the client
/// accounts `first` and `second`), and a collector key.
struct Farm {
    app: TestApp,
    smtp: SmtpSink,
    site_owner: TestMember,
    first: TestMember,
    second: TestMember,
    site_id: i64,
    miners: Vec<i64>,
    key: String,
}

async fn farm(backend: Backend) -> Option<Farm> {
    let smtp = SmtpSink::start().await;
    let port = smtp.port;
    let app = TestApp::spawn_with(backend, |settings| {
        settings.mail.smtp_url = Some(server::config::DatabaseUrl::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
        settings.mail.from = "HashInsight <alerts@farm.example>".into();
        settings.alerts.mail_to = vec!["ops@farm.example".into()];
        settings.alerts.public_url = Some("https://farm.example".into());
    })
    .await?;
    let now = domain::clock::unix_now_ms();
    let site_owner = app.member(Role::MiningSiteOwner).await;
    let (first, second) = (
        app.member(Role::Client).await,
        app.member(Role::Client).await,
    );
    let mut customers = Vec::new();
    for (i, client) in [&first, &second].into_iter().enumerate() {
        let customer = NewCustomer {
            name: format!("Alert customer {i}"),
            contact_email: None,
            user_id: Some(client.user_id),
        };
        customers.push(
            app.store
                .create_customer(&customer, now)
                .await
                .unwrap()
                .customer_id,
        );
    }
    let site_id = app.create_site("Alerting", Some(site_owner.user_id)).await;
    let miners: Vec<NewMiner> = customers
        .iter()
        .enumerate()
        .map(|(i, customer_id)| NewMiner {
            customer_id: Some(*customer_id),
            asic_model_id: None,
            model_name: "Antminer S21".into(),
            serial: format!("AL-{i}"),
            ip: format!("10.9.0.{}", i + 1),
            mac: None,
            rack: format!("R{i}"),
            status: MinerStatus::Active,
        })
        .collect();
    let miners = app
        .approved_miners(site_id, &miners, site_owner.user_id)
        .await;
    let key = auth::token::new_collector_key();
    app.store
        .create_collector_key(site_id, &key.hash, "alerts", now)
        .await
        .unwrap();
    Some(Farm {
        app,
        smtp,
        site_owner,
        first,
        second,
        site_id,
        miners,
        key: key.plain,
    })
}

impl Farm {
    /// One collector cycle: every miner healthy except `hot`, which reads `hot_c`.
    async fn cycle(&self, taken_at_ms: i64, hot_c: f64) {
        let samples: Vec<Value> = self
            .miners
            .iter()
            .enumerate()
            .map(|(i, miner_id)| {
                json!({
                    "miner_id": miner_id, "taken_at_ms": taken_at_ms, "online": true,
                    "is_mining": true, "hashrate_hs": 200e12, "expected_hashrate_hs": 200e12,
                    "power_w": 3500.0, "temp_max_c": if i == 0 { hot_c } else { 66.0 },
                    "fan_min_rpm": 4200, "boards_total": 3, "boards_active": 3
                })
            })
            .collect();
        self.post(&Value::Array(samples)).await;
    }

    async fn post(&self, batch: &Value) {
        let response = self
            .app
            .client
            .post(self.app.url(TELEMETRY))
            .header(KEY_HEADER, &self.key)
            .json(batch)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{:?}",
            response.text().await
        );
    }
}

/// A second alert engine on the app's store, as another server replica would run it.
fn another_engine(
    app: &TestApp,
    mailer: Option<Arc<server::mail::SmtpMailer>>,
) -> server::alerts::Alerting {
    server::alerts::Alerting::new(
        app.store.clone(),
        &server::alerts::AlertSettings::default(),
        mailer,
        None,
        server::live::LiveHub::default(),
    )
}

async fn open_alerts(
    client: &reqwest::Client,
    app: &TestApp,
    site_id: Option<i64>,
) -> (StatusCode, Value) {
    let form: Vec<(&str, String)> = site_id
        .map(|id| vec![("filter[site_id]", id.to_string())])
        .unwrap_or_default();
    call(client, app, "/api/list_alerts", &form).await
}

on_both_engines!(
    an_alert_opens_mails_is_acknowledged_and_resolves_on_sqlite,
    an_alert_opens_mails_is_acknowledged_and_resolves_on_postgres,
    an_alert_opens_mails_is_acknowledged_and_resolves
);
async fn an_alert_opens_mails_is_acknowledged_and_resolves(backend: Backend) {
    let Some(farm) = farm(backend).await else {
        return;
    };
    let app = &farm.app;
    let now = domain::clock::unix_now_ms();
    let minute = 60_000;

    // One hot reading is noise (debounce: two in a row).
    farm.cycle(now - 6 * minute, 88.0).await;
    let (status, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 0, "{list}");

    // The second opens one critical temperature alert, and only that.
    farm.cycle(now - 5 * minute, 91.5).await;
    let operator = app.member(Role::Operator).await;
    let (status, list) = open_alerts(&operator.client, app, Some(farm.site_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1, "{list}");
    let alert = &list["alerts"][0];
    assert_eq!(alert["kind"], "temperature");
    assert_eq!(alert["severity"], "critical");
    assert_eq!(alert["miner_serial"], "AL-0");
    assert_eq!(alert["value"], 91.5);
    assert_eq!(alert["threshold"], 85.0);
    let alert_id = alert["alert_id"].as_i64().unwrap();

    the_alert_mail_went_out(&farm).await;

    // The page lists it, with the button to acknowledge it.
    let html = farm
        .site_owner
        .client
        .get(app.url(&format!("/sites?site={}", farm.site_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"alerts-table\""), "{html}");
    assert!(html.contains("data-kind=\"temperature\""), "{html}");
    assert!(html.contains("data-action=\"acknowledge\""), "{html}");
    // The overview counts it.
    let (_, sites) = call(&farm.site_owner.client, app, "/api/list_sites", &[]).await;
    let summary = sites
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"]["site_id"] == farm.site_id)
        .unwrap();
    assert_eq!(summary["alerts"], json!({ "warning": 0, "critical": 1 }));

    // Clients see their own miners' alerts only, and may not acknowledge.
    let (_, mine) = open_alerts(&farm.first.client, app, None).await;
    assert_eq!(mine["total"], 1, "{mine}");
    let (_, theirs) = open_alerts(&farm.second.client, app, Some(farm.site_id)).await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    let ack = [("alert_id", alert_id.to_string())];
    let (status, _) = call(&farm.first.client, app, "/api/acknowledge_alert", &ack).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another site's owner does not learn that it exists.
    let stranger = app.member(Role::MiningSiteOwner).await;
    let (status, _) = call(&stranger.client, app, "/api/acknowledge_alert", &ack).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = open_alerts(&stranger.client, app, Some(farm.site_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The operator acknowledges; a second acknowledgement keeps the first.
    let (status, acked) = call(&operator.client, app, "/api/acknowledge_alert", &ack).await;
    assert_eq!(status, StatusCode::OK, "{acked}");
    assert_eq!(acked["acknowledged_by"], operator.email.as_str());
    let (status, again) = call(&farm.site_owner.client, app, "/api/acknowledge_alert", &ack).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["acknowledged_by"], operator.email.as_str());
    assert_eq!(again["acknowledged_at_ms"], acked["acknowledged_at_ms"]);

    // Three good readings resolve it; nothing is left to acknowledge, and history keeps it.
    for i in (1..=3).rev() {
        farm.cycle(now - i * minute, 70.0).await;
    }
    let (_, list) = open_alerts(&operator.client, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 0, "{list}");
    let (status, refused) = call(&operator.client, app, "/api/acknowledge_alert", &ack).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let history = [
        ("filter[site_id]", farm.site_id.to_string()),
        ("filter[history]", "true".to_owned()),
    ];
    let (_, past) = call(&operator.client, app, "/api/list_alerts", &history).await;
    assert_eq!(past["total"], 1, "{past}");
    assert!(past["alerts"][0]["resolved_at_ms"].is_i64(), "{past}");
    assert_eq!(
        farm.smtp.mails.lock().await.len(),
        1,
        "a resolve sends no mail"
    );

    farm.app.stop().await;
}

/// One mail, to the site's owner and the configured address, in both languages; and the
/// alert says so once it went out.
async fn the_alert_mail_went_out(farm: &Farm) {
    let app = &farm.app;
    let mails = farm.smtp.wait_for_mail().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mut recipients = mails[0].recipients.clone();
    recipients.sort();
    let mut expected = vec![farm.site_owner.email.clone(), "ops@farm.example".to_owned()];
    expected.sort();
    assert_eq!(recipients, expected);
    let data = &mails[0].data;
    assert!(
        data.contains("From: HashInsight <alerts@farm.example>"),
        "{data}"
    );
    assert!(data.contains("https://farm.example/sites?site="), "{data}");
    // The body is quoted-printable or base64 UTF-8; decode what lettre chose.
    let body = decoded_body(data);
    assert!(body.contains("CRITICAL temperature"), "{body}");
    assert!(
        body.contains("AL-0 10.9.0.1 R0  91.5 °C (threshold 85.0 °C)"),
        "{body}"
    );
    assert!(body.contains("严重 温度"), "{body}");
    let mut notified = Value::Null;
    for _ in 0..50 {
        let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
        notified = list["alerts"][0]["notified_at_ms"].clone();
        if !notified.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(notified.is_i64(), "notified_at_ms never set");
}

on_both_engines!(
    offline_alerts_come_from_the_collector_and_from_silence_on_sqlite,
    offline_alerts_come_from_the_collector_and_from_silence_on_postgres,
    offline_alerts_come_from_the_collector_and_from_silence
);
async fn offline_alerts_come_from_the_collector_and_from_silence(backend: Backend) {
    let Some(farm) = farm(backend).await else {
        return;
    };
    let app = &farm.app;
    let now = domain::clock::unix_now_ms();
    let minute = 60_000;
    // Both answer eight minutes ago; then the collector reports the first unreachable, which
    // is offline once it has been silent for five minutes.
    farm.cycle(now - 8 * minute, 60.0).await;
    farm.post(&json!([
        { "miner_id": farm.miners[0], "taken_at_ms": now - 4 * minute, "online": false },
    ]))
    .await;
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 0, "four minutes of silence: {list}");
    farm.post(&json!([
        { "miner_id": farm.miners[0], "taken_at_ms": now, "online": false },
    ]))
    .await;
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["alerts"][0]["kind"], "offline");
    assert_eq!(list["alerts"][0]["miner_serial"], "AL-0");
    assert_eq!(list["alerts"][0]["value"], json!(480_000.0));

    // The second miner's collector went quiet. The sweep finds it, here from a second engine
    // instance (as another server would run it): the server's own notices the newer state.
    let alerting = another_engine(app, None);
    let swept = alerting.sweep_silent(now + minute).await.unwrap();
    assert_eq!(swept, 1, "only the second miner's newest sample is old");
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 2, "{list}");
    let serials: Vec<&str> = list["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["miner_serial"].as_str().unwrap())
        .collect();
    assert!(serials.contains(&"AL-1"), "{list}");

    // It answers again: three readings later the alert resolves.
    for i in 2..=4 {
        farm.post(&json!([{
            "miner_id": farm.miners[1], "taken_at_ms": now + i * minute, "online": true,
            "is_mining": true, "hashrate_hs": 200e12, "temp_max_c": 60.0
        }]))
        .await;
    }
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["alerts"][0]["miner_serial"], "AL-0");
    farm.app.stop().await;
}

on_both_engines!(
    a_miner_in_maintenance_raises_nothing_on_sqlite,
    a_miner_in_maintenance_raises_nothing_on_postgres,
    a_miner_in_maintenance_raises_nothing
);
/// A miner taken out for maintenance (boards out, fans unplugged) reads hot or goes quiet
/// without an alert; back in service, the same readings raise one.
async fn a_miner_in_maintenance_raises_nothing(backend: Backend) {
    let Some(farm) = farm(backend).await else {
        return;
    };
    let app = &farm.app;
    let now = domain::clock::unix_now_ms();
    let minute = 60_000;
    let set_status = |status: MinerStatus, at_ms: i64| {
        let store = app.store.clone();
        let miner_id = farm.miners[0];
        async move {
            let miner = store.get_miner(miner_id).await.unwrap();
            let row = NewMiner {
                customer_id: miner.customer_id,
                asic_model_id: miner.asic_model_id,
                model_name: miner.model_name,
                serial: miner.serial,
                ip: miner.ip,
                mac: miner.mac,
                rack: miner.rack,
                status,
            };
            store.update_miner(miner_id, &row, at_ms).await.unwrap();
        }
    };
    set_status(MinerStatus::Maintenance, now - 21 * minute).await;
    for i in (17..=20).rev() {
        farm.cycle(now - i * minute, 92.0).await;
    }
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 0, "{list}");
    // Nor does its silence count: only the active miner's, once it too is quiet.
    let alerting = another_engine(app, None);
    assert_eq!(alerting.sweep_silent(now - 10 * minute).await.unwrap(), 1);
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["alerts"][0]["miner_serial"], "AL-1");

    set_status(MinerStatus::Active, now - 3 * minute).await;
    for i in [2, 1] {
        farm.cycle(now - i * minute, 92.0).await;
    }
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    let hot: Vec<&Value> = list["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["miner_serial"] == "AL-0")
        .collect();
    assert_eq!(hot.len(), 1, "{list}");
    assert_eq!(hot[0]["kind"], "temperature");
    farm.app.stop().await;
}

on_both_engines!(
    a_mail_that_failed_goes_out_later_on_sqlite,
    a_mail_that_failed_goes_out_later_on_postgres,
    a_mail_that_failed_goes_out_later
);
/// The mail relay refuses the alert's mail; the alert stays marked unsent, and the upkeep's
/// retry sends it once the relay accepts again, once.
async fn a_mail_that_failed_goes_out_later(backend: Backend) {
    let Some(farm) = farm(backend).await else {
        return;
    };
    let app = &farm.app;
    let now = domain::clock::unix_now_ms();
    let minute = 60_000;
    farm.smtp.refusing.store(true, Ordering::SeqCst);
    farm.cycle(now - 6 * minute, 91.0).await;
    farm.cycle(now - 5 * minute, 91.0).await;
    for _ in 0..100 {
        if farm.smtp.refused.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        farm.smtp.refused.load(Ordering::SeqCst) > 0,
        "a mail was tried"
    );
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["alerts"][0]["notified_at_ms"], Value::Null, "{list}");

    let mailer = server::mail::SmtpMailer::from_settings(&server::mail::MailSettings {
        smtp_url: Some(server::config::DatabaseUrl::new(format!(
            "smtp://127.0.0.1:{}",
            farm.smtp.port
        ))),
        ..server::mail::MailSettings::default()
    })
    .unwrap()
    .map(Arc::new);
    let alerting = another_engine(app, mailer);
    // Still refused: nothing is marked, and the next round tries again.
    let retry_at = now + server::alerts::MAIL_RETRY_AFTER_MS + minute;
    assert_eq!(alerting.retry_unsent_mail(retry_at).await.unwrap(), 0);
    farm.smtp.refusing.store(false, Ordering::SeqCst);
    assert_eq!(alerting.retry_unsent_mail(retry_at).await.unwrap(), 1);
    let mails = farm.smtp.wait_for_mail().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].recipients.contains(&farm.site_owner.email));
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    assert!(list["alerts"][0]["notified_at_ms"].is_i64(), "{list}");
    assert_eq!(
        alerting.retry_unsent_mail(retry_at).await.unwrap(),
        0,
        "sent once"
    );
    farm.app.stop().await;
}

/// The text of a single-part mail: its body after the headers, decoded from
/// quoted-printable or base64 as the headers say.
fn decoded_body(data: &str) -> String {
    let (headers, body) = data.split_once("\n\n").unwrap_or((data, ""));
    let headers = headers.to_ascii_lowercase();
    let bytes = if headers.contains("content-transfer-encoding: base64") {
        use base64::Engine as _;
        let joined: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(joined)
            .unwrap()
    } else if headers.contains("content-transfer-encoding: quoted-printable") {
        quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap()
    } else {
        body.as_bytes().to_vec()
    };
    String::from_utf8(bytes).unwrap()
}

/// A site polled by the server itself (`[poll] sites`): simulated Antminers read by asic-rs
/// every second, stored, and the overheating one's alert opened, with no collector at all.
async fn the_server_polls_a_site_itself(backend: Backend, base: std::net::Ipv4Addr) {
    use minersim::{Farm as SimFarm, Fault, SimConfig};
    let sims = SimFarm::start(SimConfig {
        count: 3,
        base,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    sims.miner(1).unwrap().inject(Fault::Overheating);
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.poll.sites = vec![1];
        settings.poll.interval_s = 1;
        settings.poll.timeout_s = 5;
    })
    .await
    else {
        sims.shutdown().await;
        return;
    };
    let site_id = app.create_site("Polled", None).await;
    assert_eq!(site_id, 1, "the first site of a fresh database");
    let miners = crate::helpers::simulated_miners(&sims.ips(), "POLL");
    let approver = app.member(Role::Admin).await.user_id;
    let ids = app.approved_miners(site_id, &miners, approver).await;
    the_hot_miner_alerts(&app, site_id, "POLL-1", &ids).await;
    app.stop().await;
    sims.shutdown().await;
}

/// Waits (up to 15 s) for the site's one open alert, checks that it is the hot miner's
/// temperature alert, and that every one of `miner_ids` answered at full hashrate.
pub(crate) async fn the_hot_miner_alerts(
    app: &TestApp,
    site_id: i64,
    hot_serial: &str,
    miner_ids: &[i64],
) {
    let mut opened = Value::Null;
    for _ in 0..150 {
        let (_, list) = open_alerts(&app.owner, app, Some(site_id)).await;
        // The total and the rows are separate reads: wait until both show the alert.
        if list["total"] == 1 && list["alerts"].as_array().is_some_and(|a| a.len() == 1) {
            opened = list;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(opened["alerts"][0]["kind"], "temperature", "{opened}");
    assert_eq!(opened["alerts"][0]["miner_serial"], hot_serial);
    for &id in miner_ids {
        let live = app.store.miner_live(id).await.unwrap().unwrap();
        assert!(live.sample.online, "miner {id} answered: {live:?}");
        assert!(live.sample.hashrate_hs.unwrap() > 90e12, "{live:?}");
    }
}

#[tokio::test]
async fn the_server_polls_a_site_itself_on_sqlite() {
    the_server_polls_a_site_itself(Backend::Sqlite, std::net::Ipv4Addr::new(127, 86, 0, 1)).await;
}

#[tokio::test]
async fn the_server_polls_a_site_itself_on_postgres() {
    the_server_polls_a_site_itself(Backend::Postgres, std::net::Ipv4Addr::new(127, 87, 0, 1)).await;
}

/// Acknowledging an alert and moving a miner through review are news too, for the pages of
/// everyone else who sees the site.
async fn what_people_do_is_news(farm: &Farm, stream: &mut LiveStream) {
    let app = &farm.app;
    let (_, list) = open_alerts(&app.owner, app, Some(farm.site_id)).await;
    let alert_id = list["alerts"][0]["alert_id"].as_i64().unwrap();
    let (status, body) = call(
        &app.owner,
        app,
        "/api/acknowledge_alert",
        &[("alert_id", alert_id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let update = stream.next(Duration::from_secs(15)).await.unwrap();
    assert_eq!(update.site_ids, vec![farm.site_id]);
    assert!(
        update.alerts && !update.telemetry && !update.inventory,
        "{update:?}"
    );

    let draft = NewMiner {
        customer_id: None,
        asic_model_id: None,
        model_name: "Antminer S21".into(),
        serial: "NEWS-0".into(),
        ip: "10.9.2.1".into(),
        mac: None,
        rack: "N1".into(),
        status: MinerStatus::Active,
    };
    let now = domain::clock::unix_now_ms();
    let Some(InsertOutcome::Inserted { miner_id }) = app
        .store
        .insert_miners(farm.site_id, &[draft], now)
        .await
        .unwrap()
        .pop()
    else {
        panic!("the draft is stored")
    };
    let submit = [
        ("site_id", farm.site_id.to_string()),
        ("step", "pending".to_owned()),
        ("miner_ids[]", miner_id.to_string()),
    ];
    let (status, body) = call(&app.owner, app, "/api/review_miners", &submit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let update = stream.next(Duration::from_secs(15)).await.unwrap();
    assert!(update.inventory && !update.alerts, "{update:?}");
}

/// A live-update stream as a browser's `EventSource` reads it: `event:`/`data:` lines, events
/// ended by a blank line, `:` comments (keep-alives) skipped.
struct LiveStream {
    response: reqwest::Response,
    buffer: String,
}

impl LiveStream {
    async fn open(client: &reqwest::Client, app: &TestApp) -> Result<Self, StatusCode> {
        let response = client
            .get(app.url(domain::telemetry::LIVE_PATH))
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::OK {
            return Err(response.status());
        }
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE].clone();
        assert_eq!(content_type, "text/event-stream");
        Ok(Self {
            response,
            buffer: String::new(),
        })
    }

    /// The next event's data, or `None` if none comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<domain::telemetry::LiveUpdate> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                assert_eq!(name.as_deref(), Some(domain::telemetry::LIVE_EVENT));
                return Some(serde_json::from_str(&data).unwrap());
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

on_both_engines!(
    live_updates_reach_only_the_pages_that_may_see_the_site_on_sqlite,
    live_updates_reach_only_the_pages_that_may_see_the_site_on_postgres,
    live_updates_reach_only_the_pages_that_may_see_the_site
);
async fn live_updates_reach_only_the_pages_that_may_see_the_site(backend: Backend) {
    let Some(farm) = farm(backend).await else {
        return;
    };
    let app = &farm.app;
    let now = domain::clock::unix_now_ms();
    let minute = 60_000;
    let site_id = farm.site_id;

    // Nobody signed in gets no stream; a site owner of another site gets one that stays quiet.
    assert_eq!(
        LiveStream::open(&app.client, app).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let stranger = app.member(Role::MiningSiteOwner).await;
    let elsewhere = app.create_site("Elsewhere", Some(stranger.user_id)).await;
    let unlinked = app.member(Role::Client).await;
    let mut streams = Vec::new();
    for client in [
        &app.owner,
        &farm.site_owner.client,
        &farm.first.client,
        &stranger.client,
        &unlinked.client,
    ] {
        streams.push(LiveStream::open(client, app).await.unwrap());
    }
    let [staff, site_owner, client, stranger_stream, unlinked_stream] = &mut streams[..] else {
        unreachable!()
    };

    // One collector cycle: everyone who may see the site hears of it, once.
    farm.cycle(now - 6 * minute, 66.0).await;
    for stream in [&mut *staff, &mut *site_owner, &mut *client] {
        let update = stream.next(Duration::from_secs(10)).await.unwrap();
        assert_eq!(update.site_ids, vec![site_id]);
        assert!(update.telemetry && !update.alerts, "{update:?}");
        assert!(update.at_ms >= now);
    }
    assert_eq!(stranger_stream.next(Duration::from_millis(500)).await, None);
    assert_eq!(unlinked_stream.next(Duration::from_millis(500)).await, None);

    // Two hot readings open an alert: the news says so (after the stream's quiet gap, merged
    // with the readings that came with it).
    farm.cycle(now - 5 * minute, 91.5).await;
    farm.cycle(now - 4 * minute, 91.5).await;
    let update = site_owner.next(Duration::from_secs(15)).await.unwrap();
    assert_eq!(update.site_ids, vec![site_id]);
    assert!(update.telemetry && update.alerts, "{update:?}");
    let update = client.next(Duration::from_secs(15)).await.unwrap();
    assert!(update.alerts, "{update:?}");
    what_people_do_is_news(&farm, site_owner).await;

    // The stranger hears of their own site, and of nothing else.
    let miner = NewMiner {
        customer_id: None,
        asic_model_id: None,
        model_name: "Antminer S21".into(),
        serial: "EL-0".into(),
        ip: "10.9.1.1".into(),
        mac: None,
        rack: "E1".into(),
        status: MinerStatus::Active,
    };
    let theirs = app
        .approved_miners(elsewhere, &[miner], stranger.user_id)
        .await;
    let key = auth::token::new_collector_key();
    app.store
        .create_collector_key(elsewhere, &key.hash, "elsewhere", now)
        .await
        .unwrap();
    let sample = json!([{ "miner_id": theirs[0], "taken_at_ms": now, "online": false }]);
    let response = app
        .client
        .post(app.url(TELEMETRY))
        .header(KEY_HEADER, &key.plain)
        .json(&sample)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let update = stranger_stream.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(update.site_ids, vec![elsewhere]);
    assert_eq!(unlinked_stream.next(Duration::from_millis(500)).await, None);

    // Shutting down ends the streams still open instead of waiting out the grace period
    // (10 s by default).
    let stopping = tokio::time::Instant::now();
    let Farm { app, .. } = farm;
    app.stop().await;
    assert!(stopping.elapsed() < Duration::from_secs(5));
    for stream in &mut streams {
        // What was sent before the end may still be unread (the staff stream was read once,
        // and heard four changes since); then the stream ends.
        let mut unread = 0;
        while stream.next(Duration::from_secs(1)).await.is_some() {
            unread += 1;
            assert!(unread <= 4, "the stream goes on after the shutdown");
        }
    }
}
