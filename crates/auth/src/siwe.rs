//! Sign-In with Ethereum ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361)): a strict parser
//! and formatter for the message, and verification of its EIP-191 (`personal_sign`) signature.
//!
//! The server builds the message with [`build`], the wallet (`MetaMask`) shows it and signs the
//! exact text, and the server calls [`verify`] with the text and signature it got back. The
//! signature covers the text, not our struct, so [`verify`] checks the text as received.
//!
//! Only externally owned accounts are supported (ECDSA recovery). Contract wallets (EIP-1271)
//! would need a chain RPC call, which this crate deliberately does not make.

use std::fmt;
use std::time::Duration;

use alloy_primitives::{Address, Signature};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::token::constant_time_eq;

/// Longest message [`parse`] reads, in bytes. EIP-4361 leaves maxima to implementers; 8 KiB is
/// far above a real sign-in message (~400 bytes) and bounds the work an attacker can cause.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;

/// Fewest nonce characters EIP-4361 allows.
pub const MIN_NONCE_CHARS: usize = 8;

const HEADER_SUFFIX: &str = " wants you to sign in with your Ethereum account:";

/// Why a sign-in message was refused. The server logs the variant and maps it to a message for
/// the user; none of them carries secret data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiweError {
    /// The text does not follow the EIP-4361 grammar (the reason says where).
    #[error("malformed sign-in message: {0}")]
    Malformed(String),
    /// The message names another domain: it was made for another site (phishing relay).
    #[error("the sign-in message is for another domain")]
    DomainMismatch,
    /// The message names another URI than the one this server expects.
    #[error("the sign-in message is for another URI")]
    UriMismatch,
    /// The message is bound to a chain this server does not accept.
    #[error("chain {chain_id} is not accepted")]
    ChainMismatch { chain_id: u64 },
    /// The nonce is not the one this server issued for the session (replay or stale page).
    #[error("the sign-in nonce does not match")]
    NonceMismatch,
    /// `Not Before` lies in the future.
    #[error("the sign-in message is not valid yet")]
    NotYetValid,
    /// `Expiration Time` has passed, or `Issued At` is older than the allowed age.
    #[error("the sign-in message has expired")]
    Expired,
    /// `Issued At` lies in the future beyond the allowed clock skew.
    #[error("the sign-in message was issued in the future")]
    IssuedInFuture,
    /// The signature is not 65 bytes of hex with v in {0, 1, 27, 28}, or recovers no key.
    #[error("the signature is malformed")]
    BadSignature,
    /// The signature is valid but made by another account than the message's address.
    #[error("the message was signed by {signer}, not by the address it names")]
    SignerMismatch { signer: Address },
}

fn malformed(reason: impl Into<String>) -> SiweError {
    SiweError::Malformed(reason.into())
}

/// An EIP-4361 message. `Display` writes the exact text to sign; [`parse`] reads it back, and
/// `parse(&m.to_string()) == Ok(m)` holds for any message whose fields follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiweMessage {
    /// Optional URI scheme before the domain (`https` in `https://example.com wants you…`),
    /// allowed by the final EIP-4361 grammar. [`build`] leaves it out.
    pub scheme: Option<String>,
    /// RFC 3986 authority (host and optional port) of the site asking for the signature.
    pub domain: String,
    /// The signing account; written in EIP-55 checksum form.
    pub address: Address,
    /// One line of human-readable text (no line breaks), shown by the wallet.
    pub statement: Option<String>,
    /// RFC 3986 URI of the resource the sign-in is for.
    pub uri: String,
    /// Always `"1"`.
    pub version: String,
    /// EIP-155 chain id the session is bound to (1 = Ethereum mainnet).
    pub chain_id: u64,
    /// At least 8 ASCII letters or digits, chosen by the server per sign-in attempt.
    pub nonce: String,
    /// When the message was made; written as RFC 3339 UTC (`Z`).
    pub issued_at: OffsetDateTime,
    /// After this instant the signed message is no longer accepted.
    pub expiration_time: Option<OffsetDateTime>,
    /// Before this instant the signed message is not accepted yet.
    pub not_before: Option<OffsetDateTime>,
    /// Free identifier of the request (RFC 3986 `pchar`s, may be empty).
    pub request_id: Option<String>,
    /// RFC 3986 URIs the user asks to have resolved; written one per line as `- uri`.
    pub resources: Vec<String>,
}

/// Writes an instant as RFC 3339 in UTC with `Z`, whole seconds, and a fraction only when it is
/// not zero (trailing zeros trimmed), so formatting and [`parse`] round-trip exactly.
fn write_timestamp(f: &mut fmt::Formatter<'_>, t: OffsetDateTime) -> fmt::Result {
    let t = t.to_offset(UtcOffset::UTC);
    write!(
        f,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )?;
    let nanos = t.nanosecond();
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        write!(f, ".{}", digits.trim_end_matches('0'))?;
    }
    f.write_str("Z")
}

impl fmt::Display for SiweMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        write!(
            f,
            "{}{HEADER_SUFFIX}\n{}\n\n",
            self.domain,
            self.address.to_checksum(None)
        )?;
        if let Some(statement) = &self.statement {
            writeln!(f, "{statement}")?;
        }
        write!(
            f,
            "\nURI: {}\nVersion: {}\nChain ID: {}\nNonce: {}\nIssued At: ",
            self.uri, self.version, self.chain_id, self.nonce
        )?;
        write_timestamp(f, self.issued_at)?;
        if let Some(t) = self.expiration_time {
            f.write_str("\nExpiration Time: ")?;
            write_timestamp(f, t)?;
        }
        if let Some(t) = self.not_before {
            f.write_str("\nNot Before: ")?;
            write_timestamp(f, t)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, "\nRequest ID: {id}")?;
        }
        if !self.resources.is_empty() {
            f.write_str("\nResources:")?;
            for r in &self.resources {
                write!(f, "\n- {r}")?;
            }
        }
        Ok(())
    }
}

// ---- RFC 3986 character classes -------------------------------------------------------------

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

fn is_gen_delim(b: u8) -> bool {
    matches!(b, b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
}

/// Whether every byte is allowed by `allowed` or starts a `%HH` escape.
fn all_chars_or_pct(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// RFC 3986 `authority` by character class (`[userinfo@]host[:port]`), not empty.
fn is_authority(s: &str) -> bool {
    !s.is_empty()
        && all_chars_or_pct(s, |b| {
            is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@' | b'[' | b']')
        })
}

/// RFC 3986 `URI`: a scheme, `:`, then URI characters. Character-class level, which is what
/// matters here: no spaces or line breaks can smuggle extra fields into the message.
fn is_uri(s: &str) -> bool {
    s.split_once(':').is_some_and(|(scheme, rest)| {
        is_scheme(scheme)
            && all_chars_or_pct(rest, |b| {
                is_unreserved(b) || is_sub_delim(b) || is_gen_delim(b)
            })
    })
}

/// EIP-4361 `statement`: reserved, unreserved and space characters; at least one.
fn is_statement(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| is_unreserved(b) || is_sub_delim(b) || is_gen_delim(b) || b == b' ')
}

/// EIP-4361 `request-id`: `*pchar`.
fn is_request_id(s: &str) -> bool {
    all_chars_or_pct(s, |b| {
        is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@')
    })
}

fn is_nonce(s: &str) -> bool {
    s.len() >= MIN_NONCE_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn parse_timestamp(s: &str, field: &str) -> Result<OffsetDateTime, SiweError> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| t.to_offset(UtcOffset::UTC))
        .map_err(|e| malformed(format!("{field}: not an RFC 3339 date-time ({e})")))
}

/// EIP-55: a mixed-case checksummed address. All-lowercase or wrongly cased forms are refused,
/// as the EIP-4361 grammar requires checksum encoding.
fn parse_address(s: &str) -> Result<Address, SiweError> {
    let hex = s
        .strip_prefix("0x")
        .ok_or_else(|| malformed("address must start with 0x"))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("address must be 40 hex digits"));
    }
    Address::parse_checksummed(s, None)
        .map_err(|_| malformed("address is not in EIP-55 checksum form"))
}

fn field<'t>(line: Option<&'t str>, prefix: &str) -> Result<&'t str, SiweError> {
    line.and_then(|l| l.strip_prefix(prefix))
        .ok_or_else(|| malformed(format!("expected a line starting with {prefix:?}")))
}

/// If the current line is the optional field `prefix`, returns its value and moves on.
fn optional<'t>(
    line: &mut Option<&'t str>,
    lines: &mut impl Iterator<Item = &'t str>,
    prefix: &str,
) -> Option<&'t str> {
    let value = line.and_then(|l| l.strip_prefix(prefix))?;
    *line = lines.next();
    Some(value)
}

/// Parses an EIP-4361 message strictly: every line in the grammar's order, with LF line ends,
/// nothing before or after (not even a final newline).
pub fn parse(text: &str) -> Result<SiweMessage, SiweError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(malformed(format!("longer than {MAX_MESSAGE_BYTES} bytes")));
    }
    let mut lines = text.split('\n');

    let header = lines.next().unwrap_or_default();
    let origin = header.strip_suffix(HEADER_SUFFIX).ok_or_else(|| {
        malformed("first line is not \"<domain> wants you to sign in with your Ethereum account:\"")
    })?;
    let (scheme, domain) = match origin.split_once("://") {
        Some((scheme, domain)) if is_scheme(scheme) => (Some(scheme.to_owned()), domain),
        Some(_) => return Err(malformed("invalid scheme")),
        None => (None, origin),
    };
    if !is_authority(domain) {
        return Err(malformed("invalid domain"));
    }

    let address = parse_address(lines.next().ok_or_else(|| malformed("missing address"))?)?;
    if lines.next() != Some("") {
        return Err(malformed("expected an empty line after the address"));
    }
    let statement = match lines.next() {
        Some("") => None,
        Some(s) if is_statement(s) => {
            if lines.next() != Some("") {
                return Err(malformed("expected an empty line after the statement"));
            }
            Some(s.to_owned())
        }
        Some(_) => return Err(malformed("invalid statement")),
        None => return Err(malformed("message ends after the address")),
    };

    let uri = field(lines.next(), "URI: ")?;
    if !is_uri(uri) {
        return Err(malformed("invalid URI"));
    }
    let version = field(lines.next(), "Version: ")?;
    if version != "1" {
        return Err(malformed("unsupported version"));
    }
    let chain = field(lines.next(), "Chain ID: ")?;
    if chain.is_empty() || !chain.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("chain id must be decimal digits"));
    }
    let chain_id = chain
        .parse::<u64>()
        .map_err(|_| malformed("chain id out of range"))?;
    let nonce = field(lines.next(), "Nonce: ")?;
    if !is_nonce(nonce) {
        return Err(malformed("nonce must be at least 8 letters or digits"));
    }
    let issued_at = parse_timestamp(field(lines.next(), "Issued At: ")?, "Issued At")?;

    let mut line = lines.next();
    let expiration_time = optional(&mut line, &mut lines, "Expiration Time: ")
        .map(|s| parse_timestamp(s, "Expiration Time"))
        .transpose()?;
    let not_before = optional(&mut line, &mut lines, "Not Before: ")
        .map(|s| parse_timestamp(s, "Not Before"))
        .transpose()?;
    let request_id = optional(&mut line, &mut lines, "Request ID: ");
    if request_id.is_some_and(|id| !is_request_id(id)) {
        return Err(malformed("invalid request id"));
    }
    let request_id = request_id.map(str::to_owned);

    let mut resources = Vec::new();
    match line {
        None => {}
        Some("Resources:") => {
            for l in lines {
                let r = l
                    .strip_prefix("- ")
                    .ok_or_else(|| malformed("resources must be lines of \"- <uri>\""))?;
                if !is_uri(r) {
                    return Err(malformed("invalid resource URI"));
                }
                resources.push(r.to_owned());
            }
        }
        Some(_) => return Err(malformed("unexpected or misplaced line after Issued At")),
    }

    Ok(SiweMessage {
        scheme,
        domain: domain.to_owned(),
        address,
        statement,
        uri: uri.to_owned(),
        version: version.to_owned(),
        chain_id,
        nonce: nonce.to_owned(),
        issued_at,
        expiration_time,
        not_before,
        request_id,
        resources,
    })
}

/// Recovers the account that signed `text` with EIP-191 `personal_sign`
/// (`keccak256("\x19Ethereum Signed Message:\n" + len + text)`).
///
/// `signature_hex` is 65 bytes (r ‖ s ‖ v) in hex, with or without `0x`; v may be 27/28 (what
/// wallets return) or 0/1. Anything else is [`SiweError::BadSignature`].
pub fn recover_signer(text: &str, signature_hex: &str) -> Result<Address, SiweError> {
    let hex = signature_hex
        .strip_prefix("0x")
        .or_else(|| signature_hex.strip_prefix("0X"))
        .unwrap_or(signature_hex);
    if hex.len() != 130 {
        return Err(SiweError::BadSignature);
    }
    let bytes = alloy_primitives::hex::decode(hex).map_err(|_| SiweError::BadSignature)?;
    let (rs, v) = bytes.split_at(64);
    let parity = match v {
        [0 | 27] => false,
        [1 | 28] => true,
        _ => return Err(SiweError::BadSignature),
    };
    Signature::from_bytes_and_parity(rs, parity)
        .recover_address_from_msg(text.as_bytes())
        .map_err(|_| SiweError::BadSignature)
}

/// What the server expects of a sign-in message.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// Our own authority, e.g. `hashinsight.example` or `localhost:3000`; compared exactly.
    pub domain: &'a str,
    /// The URI we put in the messages we build; compared exactly.
    pub uri: &'a str,
    /// Chains we accept sessions for.
    pub chain_ids: &'a [u64],
    /// The nonce we issued to this browser session (compared in constant time).
    pub nonce: &'a str,
    /// The current time.
    pub now: OffsetDateTime,
    /// How old `Issued At` may be, e.g. 10 minutes: bounds how long a captured signature lives
    /// even without `Expiration Time`.
    pub max_age: Duration,
    /// Tolerance for clocks that disagree, applied leniently to every time check (e.g. 60 s).
    pub clock_skew: Duration,
}

/// `t + d`, or `None` when the result is not representable (then the bound is "never").
fn add(t: OffsetDateTime, d: Duration) -> Option<OffsetDateTime> {
    time::Duration::try_from(d)
        .ok()
        .and_then(|d| t.checked_add(d))
}

/// `t - d`, or `None` when the result is not representable.
fn sub(t: OffsetDateTime, d: Duration) -> Option<OffsetDateTime> {
    time::Duration::try_from(d)
        .ok()
        .and_then(|d| t.checked_sub(d))
}

/// Parses the message, checks it against `expect` and verifies that its own address signed it.
/// Returns the parsed message; the session is then bound to `message.address`.
///
/// Checks run in this order (first failure wins): grammar, domain, URI, chain, nonce,
/// `Issued At` (not in the future beyond the skew, not older than `max_age` plus the skew),
/// `Expiration Time`, `Not Before`, then the signature.
pub fn verify(
    text: &str,
    signature_hex: &str,
    expect: &Expectations<'_>,
) -> Result<SiweMessage, SiweError> {
    let message = parse(text)?;
    if message.domain != expect.domain {
        return Err(SiweError::DomainMismatch);
    }
    if message.uri != expect.uri {
        return Err(SiweError::UriMismatch);
    }
    if !expect.chain_ids.contains(&message.chain_id) {
        return Err(SiweError::ChainMismatch {
            chain_id: message.chain_id,
        });
    }
    if !constant_time_eq(message.nonce.as_bytes(), expect.nonce.as_bytes()) {
        return Err(SiweError::NonceMismatch);
    }

    let now = expect.now;
    // The latest instant a message may claim to be issued at, and the earliest it may still be.
    if add(now, expect.clock_skew).is_some_and(|latest| message.issued_at > latest) {
        return Err(SiweError::IssuedInFuture);
    }
    let oldest = sub(now, expect.clock_skew).and_then(|t| sub(t, expect.max_age));
    if oldest.is_some_and(|oldest| message.issued_at < oldest) {
        return Err(SiweError::Expired);
    }
    if let Some(expiry) = message.expiration_time {
        if add(expiry, expect.clock_skew).is_some_and(|expiry| now >= expiry) {
            return Err(SiweError::Expired);
        }
    }
    if let Some(not_before) = message.not_before {
        if add(now, expect.clock_skew).is_some_and(|now| now < not_before) {
            return Err(SiweError::NotYetValid);
        }
    }

    let signer = recover_signer(text, signature_hex)?;
    if signer != message.address {
        return Err(SiweError::SignerMismatch { signer });
    }
    Ok(message)
}

/// A message for the server to send to the wallet: no scheme, version 1, no resources,
/// `Issued At` = `issued_at` truncated to whole seconds (shorter text, like most wallets show),
/// `Expiration Time` = that plus `ttl` (clamped to the latest representable instant).
/// An empty `statement` is left out, as the grammar requires a statement to have characters.
#[allow(clippy::too_many_arguments)]
pub fn build(
    domain: &str,
    address: Address,
    uri: &str,
    chain_id: u64,
    nonce: &str,
    issued_at: OffsetDateTime,
    ttl: Duration,
    statement: &str,
) -> SiweMessage {
    let issued_at = issued_at.to_offset(UtcOffset::UTC);
    let issued_at = issued_at.replace_nanosecond(0).unwrap_or(issued_at);
    let expiration = add(issued_at, ttl).unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc());
    SiweMessage {
        scheme: None,
        domain: domain.to_owned(),
        address,
        statement: (!statement.is_empty()).then(|| statement.to_owned()),
        uri: uri.to_owned(),
        version: "1".to_owned(),
        chain_id,
        nonce: nonce.to_owned(),
        issued_at,
        expiration_time: Some(expiration),
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    }
}
