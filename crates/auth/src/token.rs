//! Opaque secrets: session ids, e-mail verification and password-reset tokens, first-run setup
//! tokens, API keys and SIWE nonces.
//!
//! Every secret carries 256 bits from the operating system's CSPRNG. Only its SHA-256 hash is
//! stored; a lookup hashes the presented value and compares hashes. A salt or a slow hash (as
//! for passwords) buys nothing here: the input is uniformly random with 256 bits of entropy, so
//! neither a dictionary nor a precomputed table can cover it, and a database leak still does
//! not reveal a usable secret.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Bytes of randomness in every secret: 32 bytes = 256 bits, beyond any brute force.
pub const SECRET_BYTES: usize = 32;

/// Prefix of every API key, so a key pasted in the wrong place (logs, chat, a repository) is
/// recognisable by people and secret scanners, and so the server can tell it from a session id.
pub const API_KEY_PREFIX: &str = "hik_";

/// Prefix of a site collector's key: told apart from people's API keys at a glance, and
/// refused where a person's key is expected.
pub const COLLECTOR_KEY_PREFIX: &str = "hsc_";

/// Characters of an API key shown in the UI to recognise it: the prefix plus 8 characters
/// (48 bits), enough to tell a user's keys apart, far too few to guess the rest.
pub const API_KEY_DISPLAY_PREFIX_LEN: usize = 12;

/// Length of a SIWE nonce; EIP-4361 asks for at least 8 alphanumerics, 24 of [A-Za-z0-9] carry
/// about 143 bits.
pub const NONCE_LEN: usize = 24;

const ALPHANUMERIC: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A freshly generated secret: give `plain` to the user once, store only `hash`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    /// 43 characters of base64url without padding (32 random bytes).
    pub plain: String,
    /// Lowercase hex SHA-256 of `plain` (64 characters): the database column.
    pub hash: String,
}

impl std::fmt::Debug for Secret {
    /// Never prints the plain value, so a stray `{:?}` in a log line cannot leak a session.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("plain", &"<redacted>")
            .field("hash", &self.hash)
            .finish()
    }
}

/// A freshly generated API key: `plain` shown once, `prefix` shown in lists, `hash` stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeySecret {
    /// `hik_` followed by 43 characters of base64url (32 random bytes): 47 characters.
    pub plain: String,
    /// Lowercase hex SHA-256 of `plain`.
    pub hash: String,
    /// The first [`API_KEY_DISPLAY_PREFIX_LEN`] characters of `plain`, safe to show.
    pub prefix: String,
}

impl std::fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeySecret")
            .field("plain", &"<redacted>")
            .field("hash", &self.hash)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// Fills `buf` from the operating system's CSPRNG.
///
/// # Panics
/// When the OS has no entropy source. Handing out a predictable session id would be worse than
/// stopping, and on the platforms the server runs on (Linux `getrandom(2)`) this does not fail.
fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

fn random_base64url() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new 256-bit secret for a session id or a one-time token.
pub fn new_secret() -> Secret {
    let plain = random_base64url();
    let hash = hash_secret(&plain);
    Secret { plain, hash }
}

/// Lowercase hex SHA-256 of a presented secret, to look it up by its stored hash.
pub fn hash_secret(plain: &str) -> String {
    let digest = Sha256::digest(plain.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        use std::fmt::Write as _;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A new collector key (`hsc_…`): `plain` goes to the farm's collector once, `hash` is stored.
pub fn new_collector_key() -> Secret {
    let plain = format!("{COLLECTOR_KEY_PREFIX}{}", random_base64url());
    let hash = hash_secret(&plain);
    Secret { plain, hash }
}

/// A new API key (`hik_…`) with its display prefix and stored hash.
pub fn new_api_key() -> ApiKeySecret {
    let plain = format!("{API_KEY_PREFIX}{}", random_base64url());
    let hash = hash_secret(&plain);
    let prefix = plain[..API_KEY_DISPLAY_PREFIX_LEN].to_owned();
    ApiKeySecret {
        plain,
        hash,
        prefix,
    }
}

/// Whether `s` has the shape of an API key (`hik_` + 43 base64url characters), so the server
/// can route a bearer value to the API-key table without a database round trip for garbage.
pub fn looks_like_api_key(s: &str) -> bool {
    s.strip_prefix(API_KEY_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A new EIP-4361 nonce: [`NONCE_LEN`] characters drawn uniformly from `[A-Za-z0-9]`.
pub fn new_nonce() -> String {
    let mut out = String::with_capacity(NONCE_LEN);
    let mut buf = [0u8; 32];
    while out.len() < NONCE_LEN {
        fill_random(&mut buf);
        for &b in &buf {
            // 248 = 4 × 62: rejecting the top 8 byte values keeps every character equally
            // likely (no modulo bias).
            if b < 248 && out.len() < NONCE_LEN {
                out.push(char::from(ALPHANUMERIC[usize::from(b % 62)]));
            }
        }
    }
    out
}

/// Compares two byte strings in time that depends only on their lengths, not on where they
/// first differ, so comparing a presented secret leaks nothing through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn secret_shape_and_hash() {
        let s = new_secret();
        assert_eq!(s.plain.len(), 43);
        assert!(
            s.plain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(s.hash.len(), 64);
        assert!(
            s.hash
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_eq!(hash_secret(&s.plain), s.hash);
        assert!(!format!("{s:?}").contains(&s.plain));
    }

    #[test]
    fn collector_keys_carry_their_prefix_and_are_stored_by_hash() {
        let key = new_collector_key();
        assert!(key.plain.starts_with(COLLECTOR_KEY_PREFIX));
        assert_eq!(key.plain.len(), COLLECTOR_KEY_PREFIX.len() + 43);
        assert_eq!(hash_secret(&key.plain), key.hash);
        assert_ne!(new_collector_key().plain, key.plain);
    }

    #[test]
    fn sha256_known_vector() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_are_distinct() {
        let set: HashSet<String> = (0..1000).map(|_| new_secret().plain).collect();
        assert_eq!(set.len(), 1000);
    }

    #[test]
    fn api_key_shape() {
        let k = new_api_key();
        assert!(k.plain.starts_with("hik_"));
        assert_eq!(k.plain.len(), 47);
        assert_eq!(k.prefix.len(), 12);
        assert!(k.plain.starts_with(&k.prefix));
        assert_eq!(k.hash, hash_secret(&k.plain));
        assert!(looks_like_api_key(&k.plain));
        assert!(!format!("{k:?}").contains(&k.plain));
    }

    #[test]
    fn api_key_recognition() {
        assert!(!looks_like_api_key(""));
        assert!(!looks_like_api_key("hik_"));
        assert!(!looks_like_api_key(&new_secret().plain));
        assert!(!looks_like_api_key(&format!("hik_{}", "a".repeat(42))));
        assert!(!looks_like_api_key(&format!("hik_{}", "a".repeat(44))));
        assert!(!looks_like_api_key(&format!("hik_{}!", "a".repeat(42))));
        assert!(looks_like_api_key(&format!("hik_{}", "a".repeat(43))));
    }

    #[test]
    fn nonce_shape_and_spread() {
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let n = new_nonce();
            assert_eq!(n.len(), NONCE_LEN);
            assert!(n.bytes().all(|b| b.is_ascii_alphanumeric()));
            seen.extend(n.chars());
            assert!(seen.len() <= 62);
        }
        // 4,800 uniform draws from 62 symbols miss one with probability ~ 62·(61/62)^4800 ≈ 0.
        assert_eq!(seen.len(), 62);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
