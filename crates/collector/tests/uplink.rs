//! The uplink client against real HTTP on loopback: a server that answers every request with a
//! redirect to a second server, which must never be asked anything (least of all the key).

// Test helpers outside #[test] fns may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use collector::uplink::{self, Redirected, ServerUrl};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const KEY_HEADER: &str = "x-collector-key";
const KEY: &str = "hsc_test_secret_that_must_stay_home";
const TARGETS: &str = "/api/v1/collector/targets";
const TELEMETRY: &str = "/api/v1/collector/telemetry";

/// Reads one HTTP/1.1 request (head and `Content-Length` body) and returns its head.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed mid-request");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    head
}

/// A server on 127.0.0.1 that answers each request with `status` and `Location: location`, and
/// reports each request's head.
async fn redirecting_server(
    status: &'static str,
    location: String,
) -> (ServerUrl, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = ServerUrl::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let (heads, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let head = read_request(&mut stream).await;
            heads.send(head).unwrap();
            let answer = format!(
                "HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n\
                 Connection: close\r\n\r\n"
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
        }
    });
    (base, received)
}

/// The second server: a bare listener, so a connection the client made shows up in its accept
/// queue whether or not anything answered it.
async fn second_server() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{TARGETS}", listener.local_addr().unwrap());
    (listener, url)
}

/// Whether anyone connected to `listener` (by now: the client already has its answer).
async fn connected(listener: &TcpListener) -> Option<String> {
    let (mut stream, _) = tokio::time::timeout(Duration::from_millis(300), listener.accept())
        .await
        .ok()?
        .unwrap();
    let head = tokio::time::timeout(Duration::from_secs(2), read_request(&mut stream))
        .await
        .unwrap_or_else(|_| "(connected, sent nothing)".to_owned());
    Some(head)
}

#[tokio::test]
async fn a_redirect_is_an_error_and_the_key_never_reaches_where_it_points() {
    let (second, second_url) = second_server().await;
    let client = uplink::client(Duration::from_secs(5)).unwrap();
    for (status, code) in [
        ("307 Temporary Redirect", 307),
        ("308 Permanent Redirect", 308),
        ("302 Found", 302),
        ("301 Moved Permanently", 301),
    ] {
        let (base, mut received) = redirecting_server(status, second_url.clone()).await;
        for post in [false, true] {
            let request = if post {
                client
                    .post(base.endpoint(TELEMETRY))
                    .header(KEY_HEADER, KEY)
                    .body(vec![0_u8; 2048])
            } else {
                client.get(base.endpoint(TARGETS)).header(KEY_HEADER, KEY)
            };
            let response = request.send().await.expect("the 3xx answer itself");
            assert_eq!(response.status().as_u16(), code, "{status}");
            assert_eq!(
                uplink::refuse_redirect(&response),
                Err(Redirected {
                    status: code,
                    location: second_url.clone(),
                }),
                "{status}"
            );
            let head = received.recv().await.unwrap();
            assert!(
                head.to_ascii_lowercase()
                    .contains(&format!("{KEY_HEADER}: {KEY}")),
                "the first server got the key: {head}"
            );
            assert_eq!(received.try_recv().ok(), None, "one request, not retried");
        }
    }
    assert_eq!(
        connected(&second).await,
        None,
        "the redirect was followed to the second server"
    );
}

#[tokio::test]
async fn the_error_names_where_a_relative_redirect_points() {
    let (base, _received) = redirecting_server("307 Temporary Redirect", "/elsewhere".into()).await;
    let response = uplink::client(Duration::from_secs(5))
        .unwrap()
        .get(base.endpoint(TARGETS))
        .header(KEY_HEADER, KEY)
        .send()
        .await
        .unwrap();
    let error = uplink::refuse_redirect(&response).unwrap_err();
    assert_eq!(error.location, base.endpoint("/elsewhere"));
    let message = error.to_string();
    assert!(message.contains("307"), "{message}");
    assert!(message.contains(&base.endpoint("/elsewhere")), "{message}");
    assert!(!message.contains(KEY), "{message}");
}

/// The check above would see a leak: a client that follows redirects (reqwest's default)
/// hands the second server the key.
#[tokio::test]
async fn a_client_that_follows_redirects_would_leak_the_key() {
    let (second, second_url) = second_server().await;
    let (base, _received) = redirecting_server("307 Temporary Redirect", second_url).await;
    let following = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    // The second server hangs up without answering; what matters is what it was sent.
    let request = tokio::spawn(
        following
            .get(base.endpoint(TARGETS))
            .header(KEY_HEADER, KEY)
            .send(),
    );
    let (mut stream, _) = tokio::time::timeout(Duration::from_secs(5), second.accept())
        .await
        .expect("the client followed the redirect")
        .unwrap();
    let head = read_request(&mut stream).await;
    drop(stream);
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("{KEY_HEADER}: {KEY}")),
        "{head}"
    );
    let _ = request.await;
}

#[tokio::test]
async fn other_answers_pass() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = ServerUrl::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_request(&mut stream).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            .await
            .unwrap();
    });
    let response = uplink::client(Duration::from_secs(5))
        .unwrap()
        .get(base.endpoint(TARGETS))
        .send()
        .await
        .unwrap();
    assert_eq!(uplink::refuse_redirect(&response), Ok(()));
    assert_eq!(response.text().await.unwrap(), "{}");
}
