//! The permission guard's cost per request: resolving the caller from a session cookie (one
//! indexed session read and one account read on SQLite) and the matrix check. Also the matrix
//! check alone, which is all an anonymous request pays.
#![allow(clippy::unwrap_used)]

use app::ssr::identity::{AuthSettings, resolve_caller};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::access::{Access, Module, Role};
use store::accounts::{NewSession, NewUser};

fn guard(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = server::config::DatabaseSettings {
        url: Some(server::config::DatabaseUrl::new(format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))),
        ..Default::default()
    };
    let store = runtime.block_on(server::db::open(&settings)).unwrap();
    let now = app::ssr::identity::now_ms();
    let secret = auth::token::new_secret();
    runtime.block_on(async {
        let user = store
            .create_user(&NewUser {
                email: Some("bench@example.com".into()),
                display_name: "Bench".into(),
                password_hash: None,
                role: Role::Client,
                email_verified_at_ms: Some(now),
                access_expires_at_ms: None,
                created_at_ms: now,
            })
            .await
            .unwrap();
        store
            .create_session(&NewSession {
                session_hash: secret.hash.clone(),
                user_id: user.user_id,
                created_at_ms: now,
                expires_at_ms: now + 86_400_000,
                ip: None,
                user_agent: None,
                method: "password",
            })
            .await
            .unwrap();
    });
    let auth = AuthSettings::default();
    c.bench_function(
        "guard: session cookie → caller → matrix (SQLite)",
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let caller =
                        resolve_caller(&*store, &auth, Some(&secret.plain), None, None, None).await;
                    caller
                        .require(Module::BatchCalculator, Access::Read)
                        .unwrap();
                });
            });
        },
    );
    c.bench_function("guard: matrix check only", |b| {
        b.iter(|| {
            domain::access::check(
                std::hint::black_box(Some(Role::Client)),
                std::hint::black_box(Module::BatchCalculator),
                Access::Read,
            )
        });
    });
}

criterion_group!(benches, guard);
criterion_main!(benches);
