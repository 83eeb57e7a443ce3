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

pub use alloy_primitives::Address;
use alloy_primitives::Signature;
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
/// not zero (trailing zeros trimmed), so formatting and [`parse`] round-trip exactly for the
/// years 0000-9999 that RFC 3339 can express.
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
/// `Expiration Time`, `Not Before`, then the signature. An optional scheme before the domain is
/// not compared (the wallet checks it against the page's origin). Both low- and high-`s`
/// signatures are accepted, as wallets and ethers do; malleability does not matter here since
/// the nonce is single-use.
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
    if let Some(expiry) = message.expiration_time
        && add(expiry, expect.clock_skew).is_some_and(|expiry| now >= expiry)
    {
        return Err(SiweError::Expired);
    }
    if let Some(not_before) = message.not_before
        && add(now, expect.clock_skew).is_some_and(|now| now < not_before)
    {
        return Err(SiweError::NotYetValid);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_primitives::{address, hex};
    use alloy_signer::SignerSync as _;
    use alloy_signer_local::PrivateKeySigner;
    use time::macros::datetime;

    /// Hardhat/Anvil account #0: a publicly known test key, never holding real funds.
    const HARDHAT_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const HARDHAT_ADDRESS: Address = address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    /// Hardhat account #1.
    const OTHER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    const NONCE: &str = "Xk3v9QpL2mZr7TsB4wYhN8cD";
    const NOW: OffsetDateTime = datetime!(2026-01-15 10:00:30 UTC);

    fn signer(key: &str) -> PrivateKeySigner {
        key.parse().unwrap()
    }

    fn sign(key: &str, text: &str) -> String {
        let sig = signer(key).sign_message_sync(text.as_bytes()).unwrap();
        format!("0x{}", hex::encode(sig.as_bytes()))
    }

    fn message() -> SiweMessage {
        build(
            "hashinsight.example",
            HARDHAT_ADDRESS,
            "https://hashinsight.example/login",
            1,
            NONCE,
            datetime!(2026-01-15 10:00:00.75 UTC),
            Duration::from_mins(10),
            "Sign in to HashInsight.",
        )
    }

    fn expect() -> Expectations<'static> {
        Expectations {
            domain: "hashinsight.example",
            uri: "https://hashinsight.example/login",
            chain_ids: &[1, 11_155_111],
            nonce: NONCE,
            now: NOW,
            max_age: Duration::from_mins(10),
            clock_skew: Duration::from_mins(1),
        }
    }

    fn full() -> SiweMessage {
        SiweMessage {
            scheme: Some("https".into()),
            domain: "user@example.com:8443".into(),
            address: HARDHAT_ADDRESS,
            statement: Some(
                "I accept the ServiceOrg Terms of Service: https://service.org/tos".into(),
            ),
            uri: "https://example.com:8443/login?x=1#top".into(),
            version: "1".into(),
            chain_id: u64::MAX,
            nonce: "32891756".into(),
            issued_at: datetime!(2021-09-30 16:25:24.000_001 UTC),
            expiration_time: Some(datetime!(2021-10-01 16:25:24 +02:00)),
            not_before: Some(datetime!(2021-09-30 16:25:24 UTC)),
            request_id: Some(String::new()),
            resources: vec![
                "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/".into(),
                "https://example.com/my-web2-claim.json".into(),
            ],
        }
    }

    #[test]
    fn display_is_exact_eip4361_text() {
        let text = message().to_string();
        assert_eq!(
            text,
            "hashinsight.example wants you to sign in with your Ethereum account:\n\
             0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n\
             \n\
             Sign in to HashInsight.\n\
             \n\
             URI: https://hashinsight.example/login\n\
             Version: 1\n\
             Chain ID: 1\n\
             Nonce: Xk3v9QpL2mZr7TsB4wYhN8cD\n\
             Issued At: 2026-01-15T10:00:00Z\n\
             Expiration Time: 2026-01-15T10:10:00Z"
        );
    }

    #[test]
    fn display_without_statement_keeps_both_blank_lines() {
        let mut m = message();
        m.statement = None;
        assert!(m.to_string().contains("92266\n\n\nURI: https://"));
        assert_eq!(parse(&m.to_string()).unwrap(), m);
        // An empty statement is not written as an empty line by `build`.
        let built = build(
            "a.b",
            HARDHAT_ADDRESS,
            "https://a.b",
            1,
            NONCE,
            NOW,
            Duration::ZERO,
            "",
        );
        assert_eq!(built.statement, None);
    }

    #[test]
    fn round_trip() {
        for m in [message(), full()] {
            let text = m.to_string();
            let parsed = parse(&text).unwrap();
            assert_eq!(parsed, m);
            assert_eq!(parsed.to_string(), text);
        }
        let text = full().to_string();
        assert!(text.starts_with("https://user@example.com:8443 wants you"));
        assert!(text.contains("Issued At: 2021-09-30T16:25:24.000001Z\n"));
        assert!(text.contains("Expiration Time: 2021-10-01T14:25:24Z\n"));
        assert!(text.contains("Request ID: \nResources:\n- ipfs://"));
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let text = message()
            .to_string()
            .replace("10:00:00Z", "11:00:00.5+01:00");
        let m = parse(&text).unwrap();
        assert_eq!(m.issued_at, datetime!(2026-01-15 10:00:00.5 UTC));
    }

    #[test]
    fn parse_rejects_grammar_violations() {
        let good = message().to_string();
        let lower_address = good.replace(
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        );
        let bad_checksum = good.replace(
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        );
        let cases: Vec<(&str, String)> = vec![
            ("empty", String::new()),
            ("trailing newline", format!("{good}\n")),
            ("trailing garbage", format!("{good}\nhello")),
            ("CRLF", good.replace('\n', "\r\n")),
            ("lowercase address", lower_address),
            ("bad checksum", bad_checksum),
            ("short address", good.replace("92266\n", "9226\n")),
            ("version 2", good.replace("Version: 1", "Version: 2")),
            ("short nonce", good.replace(NONCE, "abc1234")),
            (
                "nonce symbol",
                good.replace(NONCE, "Xk3v9QpL2mZr7TsB4wYh-8cD"),
            ),
            (
                "chain id text",
                good.replace("Chain ID: 1", "Chain ID: one"),
            ),
            ("chain id sign", good.replace("Chain ID: 1", "Chain ID: +1")),
            (
                "chain id overflow",
                good.replace("Chain ID: 1", "Chain ID: 18446744073709551616"),
            ),
            (
                "bad timestamp",
                good.replace("2026-01-15T10:00:00Z", "2026-01-15 10:00:00"),
            ),
            (
                "no offset",
                good.replace("2026-01-15T10:00:00Z", "2026-01-15T10:00:00"),
            ),
            (
                "bad date",
                good.replace("2026-01-15T10:10:00Z", "2026-02-30T10:10:00Z"),
            ),
            (
                "missing blank line",
                good.replace("\n\nSign in", "\nSign in"),
            ),
            (
                "statement with LF",
                good.replace("Sign in to", "Sign\nin to"),
            ),
            ("statement non-ascii", good.replace("Sign in", "Sïgn in")),
            ("statement quote", good.replace("Sign in", "\"Sign\" in")),
            (
                "fields reordered",
                good.replace("Version: 1\nChain ID: 1", "Chain ID: 1\nVersion: 1"),
            ),
            ("unknown field", format!("{good}\nFoo: bar")),
            (
                "bad URI",
                good.replace("URI: https://hashinsight.example/login", "URI: not a uri"),
            ),
            ("header typo", good.replace("wants you to", "wants u to")),
            (
                "bad domain",
                good.replace("hashinsight.example wants", "hash insight wants"),
            ),
            (
                "empty domain",
                good.replace("hashinsight.example wants", " wants"),
            ),
            ("bad scheme", format!("1https://{good}")),
            (
                "resource w/o dash",
                format!("{good}\nResources:\nhttps://a.b"),
            ),
            ("resource bad uri", format!("{good}\nResources:\n- a b")),
            ("request id space", format!("{good}\nRequest ID: a b")),
            (
                "not before before expiration",
                good.replace("Expiration Time", "Not Before")
                    + "\nExpiration Time: 2026-01-15T10:10:00Z",
            ),
            (
                "too long",
                format!(
                    "{good}\nResources:\n- https://a.b/{}",
                    "x".repeat(MAX_MESSAGE_BYTES)
                ),
            ),
        ];
        for (name, text) in cases {
            assert!(
                matches!(parse(&text), Err(SiweError::Malformed(_))),
                "{name}: {:?}",
                parse(&text)
            );
        }
    }

    #[test]
    fn signed_message_verifies() {
        let text = message().to_string();
        let sig = sign(HARDHAT_KEY, &text);
        assert_eq!(recover_signer(&text, &sig), Ok(HARDHAT_ADDRESS));
        let m = verify(&text, &sig, &expect()).unwrap();
        assert_eq!(m, message());
        // Without 0x, with v = 0/1 instead of 27/28, and in upper case.
        let bare = sig.trim_start_matches("0x");
        assert_eq!(verify(&text, bare, &expect()), Ok(message()));
        let mut bytes = hex::decode(bare).unwrap();
        bytes[64] -= 27;
        assert_eq!(
            recover_signer(&text, &hex::encode(&bytes)),
            Ok(HARDHAT_ADDRESS)
        );
        assert_eq!(
            recover_signer(&text, &bare.to_uppercase()),
            Ok(HARDHAT_ADDRESS)
        );
    }

    fn verify_with(text: &str, expect: &Expectations<'_>) -> Result<SiweMessage, SiweError> {
        verify(text, &sign(HARDHAT_KEY, text), expect)
    }

    #[test]
    fn each_expectation_is_enforced() {
        let text = message().to_string();
        let e = expect();
        assert_eq!(
            verify_with(
                &text,
                &Expectations {
                    domain: "evil.example",
                    ..e
                }
            ),
            Err(SiweError::DomainMismatch)
        );
        assert_eq!(
            verify_with(
                &text,
                &Expectations {
                    uri: "https://hashinsight.example/",
                    ..e
                }
            ),
            Err(SiweError::UriMismatch)
        );
        assert_eq!(
            verify_with(
                &text,
                &Expectations {
                    chain_ids: &[5],
                    ..e
                }
            ),
            Err(SiweError::ChainMismatch { chain_id: 1 })
        );
        assert_eq!(
            verify_with(
                &text,
                &Expectations {
                    nonce: "Xk3v9QpL2mZr7TsB4wYhN8cd",
                    ..e
                }
            ),
            Err(SiweError::NonceMismatch)
        );
        assert_eq!(
            verify_with(&text, &Expectations { nonce: "", ..e }),
            Err(SiweError::NonceMismatch)
        );
    }

    #[test]
    fn tampered_fields_fail_even_when_signed() {
        // A message built for another domain/chain/nonce and validly signed is still refused.
        let mut m = message();
        m.domain = "evil.example".into();
        assert_eq!(
            verify_with(&m.to_string(), &expect()),
            Err(SiweError::DomainMismatch)
        );
        let mut m = message();
        m.chain_id = 137;
        assert_eq!(
            verify_with(&m.to_string(), &expect()),
            Err(SiweError::ChainMismatch { chain_id: 137 })
        );
        let mut m = message();
        m.uri = "https://evil.example/login".into();
        assert_eq!(
            verify_with(&m.to_string(), &expect()),
            Err(SiweError::UriMismatch)
        );
        let mut m = message();
        m.nonce = "AAAAAAAAAAAAAAAAAAAAAAAA".into();
        assert_eq!(
            verify_with(&m.to_string(), &expect()),
            Err(SiweError::NonceMismatch)
        );
    }

    #[test]
    fn time_checks() {
        let text = message().to_string();
        let e = expect();
        // Expiration at 10:10:00, 60 s of skew: refused from 10:11:00.
        let at = |now| Expectations {
            now,
            max_age: Duration::from_hours(1),
            ..e
        };
        assert!(verify_with(&text, &at(datetime!(2026-01-15 10:10:59 UTC))).is_ok());
        assert_eq!(
            verify_with(&text, &at(datetime!(2026-01-15 10:11:00 UTC))),
            Err(SiweError::Expired)
        );
        // Issued at 10:00:00: refused before 09:59:00 (future beyond skew).
        assert!(verify_with(&text, &at(datetime!(2026-01-15 09:59:00 UTC))).is_ok());
        assert_eq!(
            verify_with(&text, &at(datetime!(2026-01-15 09:58:59 UTC))),
            Err(SiweError::IssuedInFuture)
        );
        // Older than max_age (5 min) + skew (1 min) without an expiration time.
        let mut m = message();
        m.expiration_time = None;
        let text = m.to_string();
        let old = Expectations {
            now: datetime!(2026-01-15 10:06:01 UTC),
            max_age: Duration::from_mins(5),
            ..e
        };
        assert_eq!(verify_with(&text, &old), Err(SiweError::Expired));
        let fresh = Expectations {
            now: datetime!(2026-01-15 10:06:00 UTC),
            ..old
        };
        assert!(verify_with(&text, &fresh).is_ok());
        // Not Before in the future.
        let mut m = message();
        m.not_before = Some(datetime!(2026-01-15 10:05:00 UTC));
        let text = m.to_string();
        assert_eq!(verify_with(&text, &e), Err(SiweError::NotYetValid));
        let later = Expectations {
            now: datetime!(2026-01-15 10:04:00 UTC),
            ..e
        };
        assert!(verify_with(&text, &later).is_ok());
        // Huge durations do not overflow or panic.
        let huge = Expectations {
            max_age: Duration::MAX,
            clock_skew: Duration::MAX,
            ..e
        };
        assert!(verify_with(&message().to_string(), &huge).is_ok());
        let far = build(
            "a.b",
            HARDHAT_ADDRESS,
            "https://a.b",
            1,
            NONCE,
            NOW,
            Duration::MAX,
            "x",
        );
        assert_eq!(parse(&far.to_string()).unwrap(), far);
    }

    #[test]
    fn signature_failures() {
        let text = message().to_string();
        let e = expect();
        // Signed by someone else.
        let other = signer(OTHER_KEY).address();
        assert_eq!(
            verify(&text, &sign(OTHER_KEY, &text), &e),
            Err(SiweError::SignerMismatch { signer: other })
        );
        // Text modified after signing (statement changed, still well-formed and matching).
        let sig = sign(HARDHAT_KEY, &text);
        let modified = text.replace("Sign in to HashInsight.", "Sign in to HashInsight!");
        assert!(matches!(
            verify(&modified, &sig, &e),
            Err(SiweError::SignerMismatch { .. } | SiweError::BadSignature)
        ));
        // Truncated, garbage, wrong v, empty.
        for bad in [
            &sig[..sig.len() - 2],
            &sig[..40],
            "",
            "0x",
            &format!("0x{}", "zz".repeat(65)),
            &format!("{}1b00", &sig[..sig.len() - 2]),
            &format!("{}1d", &sig[..sig.len() - 2]),
            &format!("{}02", &sig[..sig.len() - 2]),
            &format!("0x{}", "00".repeat(65)),
            "0xé",
        ] {
            assert_eq!(
                verify(&text, bad, &e),
                Err(SiweError::BadSignature),
                "{bad}"
            );
            assert_eq!(
                recover_signer(&text, bad),
                Err(SiweError::BadSignature),
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_are_displayable() {
        let msg = SiweError::SignerMismatch {
            signer: HARDHAT_ADDRESS,
        }
        .to_string();
        assert!(
            msg.contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            "{msg}"
        );
    }
}
