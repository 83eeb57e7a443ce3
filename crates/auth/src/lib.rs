//! Security primitives for HashInsight accounts (issue #5): password hashing and policy,
//! opaque tokens and API keys, Sign-In with Ethereum (EIP-4361) and rate limiting.
//!
//! The crate has no HTTP, database or UI code on purpose: the server owns I/O and calls these
//! small, separately tested pieces, so the security-relevant logic can be reviewed (and
//! benchmarked) on its own.
//!
//! - [`password`]: argon2id PHC hashes, constant-cost unknown-user checks, NIST 800-63B policy.
//! - [`token`]: random session ids, one-time tokens, API keys and SIWE nonces; only their
//!   SHA-256 hashes are stored.
//! - [`siwe`]: strict EIP-4361 parsing/formatting and EIP-191 signature verification.
//! - [`rate_limit`]: in-process sliding-window limits and exponential login back-off.

pub mod password;
pub mod rate_limit;
pub mod siwe;
pub mod token;
