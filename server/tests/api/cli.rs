//! The `hashinsight` binary as an operator runs it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn hashinsight() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hashinsight"));
    command.env_remove("DATABASE_URL").env_remove("RUST_LOG");
    command
}

#[test]
fn help_lists_the_commands_and_the_configuration_layers() {
    let output = hashinsight().arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "serve",
        "migrate",
        "--database-url",
        "APP__SERVER__ADDR",
        "--config",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
}

#[test]
fn an_invalid_value_stops_with_one_line_naming_the_key() {
    let output = hashinsight()
        .arg("migrate")
        .env("APP__SERVER__SHUTDOWN_GRACE_SECS", "soon")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("server.shutdown_grace_secs"), "{stderr}");
    assert!(
        stderr.contains("APP__SERVER__SHUTDOWN_GRACE_SECS"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_key_in_the_config_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hashinsight.toml");
    std::fs::write(&file, "[server]\nadress = \"127.0.0.1:1\"\n").unwrap();
    let output = hashinsight()
        .arg("migrate")
        .arg("--config")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("adress"), "{stderr}");
}

#[test]
fn migrate_creates_the_sqlite_file_and_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested").join("h.db");
    for _ in 0..2 {
        let status = hashinsight()
            .arg("migrate")
            .arg("--database-url")
            .arg(format!("sqlite://{}", db.display()))
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert!(db.exists());
}

#[test]
fn the_default_database_is_sqlite_under_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let status = hashinsight()
        .arg("migrate")
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("data").join("hashinsight.db").exists());
}

#[test]
fn database_passwords_never_reach_the_output() {
    let output = hashinsight()
        .arg("migrate")
        .arg("--database-url")
        .arg("postgres://app:hunter2-secret@127.0.0.1:1/hashinsight")
        .env("APP__DATABASE__CONNECT_TIMEOUT_SECS", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains("hunter2-secret"), "{all}");
    assert!(
        all.contains("postgres://app:***@127.0.0.1:1/hashinsight"),
        "{all}"
    );
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = hashinsight()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started = Instant::now();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("listening on"));
    assert!(ready && started.elapsed() < Duration::from_mins(1));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("SIGTERM received")),
        "{rest:?}"
    );
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

/// Sends one cgminer RPC command and reads the reply (NUL-terminated, then closed).
fn rpc(ip: &str, command: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect((ip, 4028)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "{{\"command\":\"{command}\"}}").unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let text = String::from_utf8(reply).unwrap();
    serde_json::from_str(text.trim_end_matches('\0')).unwrap()
}

#[test]
fn minersim_serves_antminers_on_their_own_addresses_until_sigterm() {
    /// Kills the simulator if the test fails half-way, so its addresses are free for the next run.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = KillOnDrop(
        hashinsight()
            .args(["minersim", "--count", "3", "--base", "127.78.0.1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let ready = lines.next().unwrap().unwrap();
    assert!(ready.contains("127.78.0.1–127.78.0.3"), "{ready}");

    // The last miner answers as stock firmware does: identified as an Antminer, mining near
    // its nameplate 110 TH/s.
    let version = rpc("127.78.0.3", "version");
    assert_eq!(
        version["VERSION"][0]["Type"], "Antminer S19 Pro",
        "{version}"
    );
    let summary = rpc("127.78.0.3", "summary");
    let ghs = summary["SUMMARY"][0]["GHS 5s"]
        .as_f64()
        .or_else(|| summary["SUMMARY"][0]["GHS 5s"].as_str()?.parse().ok())
        .unwrap_or_else(|| panic!("no GHS 5s in {summary}"));
    assert!((100_000.0..=120_000.0).contains(&ghs), "{summary}");
    // Nothing past the farm.
    assert!(std::net::TcpStream::connect(("127.78.0.4", 4028)).is_err());

    let kill = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert!(child.0.wait().unwrap().success());
    assert!(std::net::TcpStream::connect(("127.78.0.1", 4028)).is_err());
}

#[test]
fn minersim_refuses_an_address_outside_loopback() {
    let output = hashinsight()
        .args(["minersim", "--count", "1", "--base", "10.0.0.1"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("not a loopback address"), "{stderr}");
}

/// `hashinsight site`: a site, its collector key and its inventory from the shell.
#[test]
fn site_commands_create_a_site_give_a_key_and_import_its_miners() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/fleet.db", dir.path().display());
    let site = |args: &[&str]| {
        let output = hashinsight()
            .args(["site"])
            .args(args)
            .args(["--database-url", &database])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        text
    };
    let created = site(&["create", "--name", "Rockdale", "--capacity-mw", "12.5"]);
    assert!(created.starts_with("site 1 created"), "{created}");
    assert!(site(&["list"]).contains("Rockdale"));
    let key = site(&["key", "--site", "1", "--label", "rack-room pc"]);
    assert!(
        key.trim().starts_with("hsc_") && key.trim().len() > 40,
        "{key}"
    );

    let inventory = dir.path().join("inventory.csv");
    std::fs::write(
        &inventory,
        "型号,序列号,IP地址,机架\nAntminer S19 Pro,SN-1,10.0.0.1,A1\nAntminer S19 Pro,SN-2,10.0.0.300,A2\n",
    )
    .unwrap();
    let report = site(&[
        "import",
        "--site",
        "1",
        "--file",
        inventory.to_str().unwrap(),
    ]);
    assert!(report.contains("row 3, ip: invalid_ip"), "{report}");
    assert!(
        report.contains("1 of 2 rows imported into site 1"),
        "{report}"
    );

    let again = hashinsight()
        .args([
            "site",
            "create",
            "--name",
            "Rockdale",
            "--database-url",
            &database,
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}
