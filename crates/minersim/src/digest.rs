//! HTTP digest authentication (RFC 7616, MD5, qop=auth) as the Antminer web server (lighttpd)
//! demands it: every page, the root included, answers 401 until the client proves the password.

use std::collections::HashMap;
use std::fmt::Write;

use md5::{Digest, Md5};

/// The realm stock firmware uses; asic-rs identifies a stock Antminer by its prefix "antMiner".
pub const REALM: &str = "antMiner Configuration";

pub fn challenge(nonce: &str) -> String {
    format!(r#"Digest realm="{REALM}", nonce="{nonce}", qop="auth", algorithm="MD5""#)
}

fn md5_hex(input: &str) -> String {
    let digest = Md5::digest(input.as_bytes());
    digest.iter().fold(String::with_capacity(32), |mut hex, b| {
        let _ = write!(hex, "{b:02x}"); // writing to a String cannot fail
        hex
    })
}

/// Parse `Digest k=v, k="v", …` into its fields.
fn parse(header: &str) -> Option<HashMap<String, String>> {
    let rest = header.trim().strip_prefix("Digest")?.trim_start();
    let mut fields = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let value = if chars.peek() == Some(&'"') {
            chars.next();
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
            value
        } else {
            chars
                .by_ref()
                .take_while(|c| *c != ',')
                .collect::<String>()
                .trim()
                .to_owned()
        };
        fields.insert(key.trim().to_ascii_lowercase(), value);
    }
    Some(fields)
}

/// Whether `header` (the request's Authorization) answers our challenge for this request.
pub fn verify(header: &str, method: &str, nonce: &str, username: &str, password: &str) -> bool {
    let Some(f) = parse(header) else {
        return false;
    };
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if get("username") != username || get("realm") != REALM || get("nonce") != nonce {
        return false;
    }
    let ha1 = md5_hex(&format!("{username}:{REALM}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{}", get("uri")));
    let expected = match get("qop") {
        "" => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
        qop => md5_hex(&format!(
            "{ha1}:{nonce}:{}:{}:{qop}:{ha2}",
            get("nc"),
            get("cnonce")
        )),
    };
    expected.eq_ignore_ascii_case(get("response"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of RFC 2617 §3.5 (realm changed, so the response recomputed with it).
    #[test]
    fn accepts_a_correct_response_and_rejects_a_wrong_password() {
        let nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
        let ha1 = md5_hex(&format!("Mufasa:{REALM}:Circle Of Life"));
        let ha2 = md5_hex("GET:/dir/index.html");
        let response = md5_hex(&format!("{ha1}:{nonce}:00000001:0a4f113b:auth:{ha2}"));
        let header = format!(
            r#"Digest username="Mufasa", realm="{REALM}", nonce="{nonce}", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="{response}""#
        );
        assert!(verify(&header, "GET", nonce, "Mufasa", "Circle Of Life"));
        assert!(!verify(&header, "GET", nonce, "Mufasa", "root"));
        assert!(!verify(&header, "POST", nonce, "Mufasa", "Circle Of Life"));
        assert!(!verify(
            &header,
            "GET",
            "othernonce",
            "Mufasa",
            "Circle Of Life"
        ));
    }

    #[test]
    fn rfc_2617_md5_vector() {
        // HA1 for Mufasa/testrealm@host.com/Circle Of Life, from RFC 2617.
        assert_eq!(
            md5_hex("Mufasa:testrealm@host.com:Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9"
        );
    }
}
