//! Starting real servers and stores for tests, on either engine.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::access::Role;
use domain::fleet::{Approval, InsertOutcome, NewMiner, NewSite, Tariff};
use server::config::{DatabaseSettings, DatabaseUrl, Settings};
use server::startup::Application;
use sqlx::Connection;
use store::Store;
use store::accounts::NewUser;
use tempfile::TempDir;

/// Models the migrations seed into the catalogue.
pub const SEEDED_MODELS: usize = 37;

/// The loopback block the tests' simulated miners live in (127.64.0.0 – 127.127.255.255),
/// opened with `[poll] allow_networks` as a lab would: the rest of 127.0.0.0/8 — 127.0.0.1,
/// 127.0.0.5 — stays refused, as every other reserved range.
pub const SIMULATOR_NETWORK: &str = "127.64.0.0/10";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to test against. In CI it is mandatory: a missing URL or server
/// fails the run instead of skipping it.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            Some("postgres://postgres@127.0.0.1:5432/test".to_owned())
        }
        _ => {
            eprintln!("SKIPPED on PostgreSQL: set TEST_POSTGRES_URL=postgres://… to run it");
            None
        }
    }
}

/// A database of its own for one test: a temporary SQLite file, or a fresh PostgreSQL schema
/// (dropped by `cleanup`).
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<TempDir>,
    schema: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(Self {
                    url: DatabaseUrl::new(url),
                    _dir: Some(dir),
                    schema: None,
                })
            }
            Backend::Postgres => {
                let base = postgres_url()?;
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&base)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required here: {e}"));
                sqlx::query(&format!("create schema {schema}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                Some(Self {
                    url: DatabaseUrl::new(url),
                    _dir: None,
                    schema: Some((base, schema)),
                })
            }
        }
    }

    pub fn settings(&self) -> DatabaseSettings {
        DatabaseSettings {
            url: Some(self.url.clone()),
            max_connections: 4,
            ..Default::default()
        }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        server::db::open(&self.settings()).await.unwrap()
    }

    pub async fn cleanup(self) {
        if let Some((base, schema)) = &self.schema {
            let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
            sqlx::query(&format!("drop schema {schema} cascade"))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

/// A signed-in user of a test server: their id and a client carrying their session cookie.
pub struct TestMember {
    pub user_id: i64,
    pub email: String,
    pub client: reqwest::Client,
    /// The client's cookies, to add others (the language) beside the session.
    pub jar: Arc<reqwest::cookie::Jar>,
}

/// The password every test account gets.
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// A running server on a free port, stopped by `stop`.
pub struct TestApp {
    pub addr: SocketAddr,
    /// Nobody signed in.
    pub client: reqwest::Client,
    /// Signed in as an owner, who may do everything.
    pub owner: reqwest::Client,
    pub owner_jar: Arc<reqwest::cookie::Jar>,
    pub store: Arc<dyn Store>,
    pub database: TestDatabase,
    shutdown: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the server with `adjust` applied to the test settings. Market refresh is off by
    /// default: tests never reach the internet, and serve the shipped snapshot.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let database = TestDatabase::new(backend).await?;
        let mut settings = Settings::default();
        settings.server.addr = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        settings.database = database.settings();
        settings.market.enabled = false;
        // Cheap argon2 (tests sign in hundreds of times) and no per-IP limit: every test
        // client is 127.0.0.1. The tests of limits set their own.
        settings.auth.password_memory_kib = 64;
        settings.auth.password_iterations = 1;
        settings.auth.attempts_per_ip_per_minute = 100_000;
        settings.poll.allow_networks = vec![SIMULATOR_NETWORK.parse().unwrap()];
        adjust(&mut settings);
        let app = Application::build(settings).await.unwrap();
        let addr = app.local_addr();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(app.run_until(async move {
            let _ = stop.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let store = database.store().await;
        let mut app = Self {
            addr,
            client: client.clone(),
            owner: client,
            owner_jar: Arc::default(),
            store,
            database,
            shutdown,
            handle,
        };
        let owner = app.member(Role::Owner).await;
        app.owner = owner.client;
        app.owner_jar = owner.jar;
        Some(app)
    }

    /// Creates an account with `role` straight in the store and signs it in over HTTP.
    pub async fn member(&self, role: Role) -> TestMember {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let hasher = auth::password::PasswordHasher::with_params(64, 1, 1).unwrap();
        let user = self
            .store
            .create_user(&NewUser {
                email: Some(email.clone()),
                display_name: format!("Test {role}"),
                password_hash: Some(hasher.hash(TEST_PASSWORD).unwrap()),
                role,
                email_verified_at_ms: Some(1),
                access_expires_at_ms: None,
                created_at_ms: 1,
            })
            .await
            .unwrap();
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = self
            .sign_in_with(&email, TEST_PASSWORD, jar.clone())
            .await
            .unwrap();
        TestMember {
            user_id: user.user_id,
            email,
            client,
            jar,
        }
    }

    /// A site named `name` (12 MW at 0.045 USD/kWh) run by `owner_user_id`; returns its id.
    pub async fn create_site(&self, name: &str, owner_user_id: Option<i64>) -> i64 {
        let site = NewSite {
            name: name.into(),
            location: "Test".into(),
            capacity_mw: 12.0,
            tariff: Tariff::Flat { usd_kwh: 0.045 },
            owner_user_id,
        };
        self.store
            .create_site(&site, domain::clock::unix_now_ms())
            .await
            .unwrap()
            .site_id
    }

    /// Inserts `miners` into the site and takes them through review to approved, as
    /// `approver`; returns their ids in order.
    pub async fn approved_miners(
        &self,
        site_id: i64,
        miners: &[NewMiner],
        approver: i64,
    ) -> Vec<i64> {
        let now = domain::clock::unix_now_ms();
        let ids: Vec<i64> = self
            .store
            .insert_miners(site_id, miners, now)
            .await
            .unwrap()
            .into_iter()
            .map(|outcome| match outcome {
                InsertOutcome::Inserted { miner_id } => miner_id,
                other => panic!("not inserted: {other:?}"),
            })
            .collect();
        for step in [Approval::Pending, Approval::Approved] {
            let report = self
                .store
                .set_approval(site_id, &ids, step, Some(approver), None, now)
                .await
                .unwrap();
            assert!(report.refused.is_empty(), "{report:?}");
        }
        ids
    }

    /// A fresh client signed in with e-mail and password, or the refusal's status.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<reqwest::Client, u16> {
        self.sign_in_with(email, password, Arc::default()).await
    }

    async fn sign_in_with(
        &self,
        email: &str,
        password: &str,
        jar: Arc<reqwest::cookie::Jar>,
    ) -> Result<reqwest::Client, u16> {
        let client = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(self.url("/api/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status >= 400 {
            return Err(status);
        }
        Ok(client)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Stops the server the way SIGTERM does, and waits for it.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        self.handle.await.unwrap().unwrap();
        self.database.cleanup().await;
    }
}

/// Calls the server function at `path` with a form: the status and the JSON answer (null when
/// the body is not JSON).
pub async fn call(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, String)],
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = response.status();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// The HTML of the page at `path`, as `client` sees it.
pub async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    response.text().await.unwrap()
}

/// Runs a test body on both engines (PostgreSQL only when available).
#[macro_export]
macro_rules! on_both_engines {
    ($sqlite:ident, $postgres:ident, $body:path) => {
        #[tokio::test]
        async fn $sqlite() {
            $body($crate::helpers::Backend::Sqlite).await;
        }

        #[tokio::test]
        async fn $postgres() {
            $body($crate::helpers::Backend::Postgres).await;
        }
    };
}

/// Active Antminer S19 Pros at the simulator's addresses, serials `{prefix}-0`, `{prefix}-1`…
pub fn simulated_miners(ips: &[std::net::Ipv4Addr], prefix: &str) -> Vec<NewMiner> {
    ips.iter()
        .enumerate()
        .map(|(i, ip)| NewMiner {
            customer_id: None,
            asic_model_id: None,
            model_name: "Antminer S19 Pro".into(),
            serial: format!("{prefix}-{i}"),
            ip: ip.to_string(),
            mac: None,
            rack: String::new(),
            status: domain::fleet::MinerStatus::Active,
        })
        .collect()
}
