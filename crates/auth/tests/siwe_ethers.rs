//! Cross-check against an independent implementation: `tests/fixtures/siwe_ethers.json` was
//! produced by `tests/fixtures/siwe_ethers.mjs` with ethers v6 in node
//! (`npm install ethers@6` in a scratch directory outside the repository, then
//! `node siwe_ethers.mjs > siwe_ethers.json`): `new ethers.Wallet(key).signMessage(message)`
//! with the well-known Hardhat account #0 key. Our EIP-191 recovery and EIP-4361 parser must
//! agree with it byte for byte.

use std::time::Duration;

use auth::siwe::{self, Expectations, SiweError};
use time::macros::datetime;

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/siwe_ethers.json")).expect("fixture is JSON")
}

fn vector(i: usize) -> (String, String, String) {
    let f = fixture();
    let v = &f["vectors"][i];
    (
        v["message"].as_str().expect("message").to_owned(),
        v["signature"].as_str().expect("signature").to_owned(),
        f["address"].as_str().expect("address").to_owned(),
    )
}

#[test]
fn recovers_the_hardhat_address_from_ethers_signatures() {
    let f = fixture();
    let vectors = f["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 2);
    for i in 0..vectors.len() {
        let (message, signature, address) = vector(i);
        assert_eq!(address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        let signer = siwe::recover_signer(&message, &signature).expect("recovers");
        assert_eq!(signer.to_checksum(None), address);
        // Our formatter reproduces the exact text ethers signed.
        let parsed = siwe::parse(&message).expect("parses");
        assert_eq!(parsed.to_string(), message);
    }
}

#[test]
fn verify_accepts_the_ethers_message() {
    let (message, signature, address) = vector(0);
    let expect = Expectations {
        domain: "hashinsight.example",
        uri: "https://hashinsight.example/login",
        chain_ids: &[1],
        nonce: "Xk3v9QpL2mZr7TsB4wYhN8cD",
        now: datetime!(2026-01-15 10:01:00 UTC),
        max_age: Duration::from_mins(10),
        clock_skew: Duration::from_mins(1),
    };
    let m = siwe::verify(&message, &signature, &expect).expect("valid");
    assert_eq!(m.address.to_checksum(None), address);
    assert_eq!(m.statement.as_deref(), Some("Sign in to HashInsight."));
    assert_eq!(m.expiration_time, Some(datetime!(2026-01-15 10:10:00 UTC)));

    // The same signature no longer passes after expiry or with another nonce.
    let late = Expectations {
        now: datetime!(2026-01-15 10:11:01 UTC),
        ..expect
    };
    assert_eq!(
        siwe::verify(&message, &signature, &late),
        Err(SiweError::Expired)
    );
    let other_nonce = Expectations {
        nonce: "Xk3v9QpL2mZr7TsB4wYhN8cE",
        ..expect
    };
    assert_eq!(
        siwe::verify(&message, &signature, &other_nonce),
        Err(SiweError::NonceMismatch)
    );
}

#[test]
fn verify_accepts_the_statementless_ethers_message() {
    let (message, signature, _) = vector(1);
    let expect = Expectations {
        domain: "localhost:3000",
        uri: "http://localhost:3000",
        chain_ids: &[1, 11_155_111],
        nonce: "32891756abc",
        now: datetime!(2026-01-15 10:00:30 UTC),
        max_age: Duration::from_mins(10),
        clock_skew: Duration::from_mins(1),
    };
    let m = siwe::verify(&message, &signature, &expect).expect("valid");
    assert_eq!(m.statement, None);
    assert_eq!(m.request_id.as_deref(), Some("req-42"));
    assert_eq!(m.resources.len(), 2);
    assert_eq!(m.issued_at, datetime!(2026-01-15 10:00:00.123 UTC));
}
