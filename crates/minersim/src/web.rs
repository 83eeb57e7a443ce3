//! Port 80: the stock web interface behind digest auth, served with hyper per connection so the
//! miner's runner can abort connections (reboot, shutdown, a `timeout` fault left hanging).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;

use crate::cgi::{self, CgiReply};
use crate::digest;
use crate::rpc::GARBAGE;
use crate::state::MinerShared;

/// `set_miner_conf` bodies are a few hundred bytes; refuse anything absurd.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// How long an idle keep-alive connection stays open: lighttpd's default
/// `server.max-keep-alive-idle`, which stock Antminer firmware keeps. Clients therefore find
/// their pooled connections closed between 60 s poll cycles, as on a real farm, and hold no
/// idle sockets for thousands of miners.
pub(crate) const KEEP_ALIVE_IDLE: Duration = Duration::from_secs(5);

pub(crate) async fn serve_connection(miner: Arc<MinerShared>, stream: TcpStream) {
    if miner.lock().timeout {
        std::future::pending::<()>().await;
    }
    let service = hyper::service::service_fn(move |req| {
        let miner = Arc::clone(&miner);
        async move { Ok::<_, Infallible>(respond(&miner, req).await) }
    });
    // A client hanging up mid-request is routine for scanners; nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(KEEP_ALIVE_IDLE)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

async fn respond(miner: &Arc<MinerShared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    miner.requests.fetch_add(1, Ordering::Relaxed);
    let (timeout, garbage) = {
        let s = miner.lock();
        (s.timeout, s.garbage)
    };
    if timeout {
        std::future::pending::<()>().await;
    }
    if garbage {
        return reply(StatusCode::OK, "text/html", Bytes::from_static(GARBAGE));
    }
    let authorized = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| {
            digest::verify(
                h,
                req.method().as_str(),
                &miner.identity.nonce,
                &miner.username,
                &miner.password,
            )
        });
    if !authorized {
        let mut response = reply(
            StatusCode::UNAUTHORIZED,
            "text/html",
            "<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized</h1></body></html>",
        );
        if let Ok(value) = digest::challenge(&miner.identity.nonce).parse() {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        return response;
    }
    let path = req.uri().path().to_owned();
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return reply(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", "too large"),
    };
    if path == "/" || path == "/index.html" {
        let page = format!(
            "<html><head><title>{}</title></head><body>Antminer web interface</body></html>",
            miner.profile.name
        );
        return reply(StatusCode::OK, "text/html", page);
    }
    let Some(name) = path
        .strip_prefix("/cgi-bin/")
        .and_then(|p| p.strip_suffix(".cgi"))
    else {
        return reply(StatusCode::NOT_FOUND, "text/html", "404 - Not Found");
    };
    match cgi::handle(miner, name, &body) {
        CgiReply::Json(value) => reply(StatusCode::OK, "application/json", value.to_string()),
        CgiReply::Text(text) => reply(StatusCode::OK, "text/plain", text),
        CgiReply::NotFound => reply(StatusCode::NOT_FOUND, "text/html", "404 - Not Found"),
    }
}
