//! Password hashing (argon2id, PHC strings) and the password policy.

use std::sync::OnceLock;

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
};

/// Memory cost of the default hasher in KiB (19 MiB).
///
/// m = 19,456 KiB, t = 2, p = 1 is OWASP's minimum argon2id configuration (Password Storage
/// Cheat Sheet). It costs an attacker with GPUs about as much per guess as bcrypt cost 10-12
/// while keeping a login to tens of milliseconds of one core and 19 MiB of memory on the
/// 2-core server, so a burst of logins cannot exhaust memory.
pub const DEFAULT_M_COST_KIB: u32 = 19_456;
/// Time cost (passes over memory) of the default hasher.
pub const DEFAULT_T_COST: u32 = 2;
/// Parallelism (lanes) of the default hasher: 1, so one login occupies one core only.
pub const DEFAULT_P_COST: u32 = 1;
/// Length of the derived hash in bytes (argon2's default, 256 bits).
const OUTPUT_LEN: usize = 32;

/// Fewest characters a password may have (NIST SP 800-63B asks for at least 8; 10 makes
/// online guessing of the remaining space hopeless without composition rules).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most characters a password may have: long enough for any passphrase or manager output,
/// short enough that hashing a submitted value stays cheap.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The e-mail's local part is only checked when it has at least this many characters, so a
/// short one like "jo" does not forbid every password containing "jo".
const MIN_LOCAL_PART_CHARS: usize = 4;

/// Why hashing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// The argon2 parameters are outside what the algorithm accepts.
    #[error("invalid argon2 parameters: {0}")]
    InvalidParams(String),
    /// Hashing itself failed (randomness unavailable, input too long for argon2).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Why a new password is refused. Messages are written to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must have at least {min} characters")]
    TooShort { min: usize },
    #[error("the password must have at most {max} characters")]
    TooLong { max: usize },
    #[error("the password must not contain your e-mail address")]
    ContainsEmail,
    #[error("this password is too common; choose another one")]
    TooCommon,
}

/// argon2id hasher with fixed parameters; create one at start-up and share it.
pub struct PasswordHasher {
    argon: Argon2<'static>,
    params: Params,
    /// Hash of a fixed password under these parameters, computed on first use, for
    /// [`PasswordHasher::verify_dummy`].
    dummy: OnceLock<String>,
}

impl Default for PasswordHasher {
    /// OWASP's argon2id minimum: m = 19,456 KiB, t = 2, p = 1 (see [`DEFAULT_M_COST_KIB`]).
    fn default() -> Self {
        Self::with_params(DEFAULT_M_COST_KIB, DEFAULT_T_COST, DEFAULT_P_COST)
            .expect("the default argon2 parameters are valid")
    }
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("m_cost_kib", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .field("p_cost", &self.params.p_cost())
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// A hasher with other parameters: memory `m_kib` in KiB, `t` passes, `p` lanes. Tests use
    /// small values to stay fast; production uses [`PasswordHasher::default`].
    pub fn with_params(m_kib: u32, t: u32, p: u32) -> Result<Self, PasswordError> {
        let params = Params::new(m_kib, t, p, Some(OUTPUT_LEN))
            .map_err(|e| PasswordError::InvalidParams(e.to_string()))?;
        Ok(Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
            params,
            dummy: OnceLock::new(),
        })
    }

    /// Hashes `password` with a fresh 128-bit random salt into a PHC string
    /// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), which records the parameters for later checks.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.argon
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// Whether `password` matches the stored PHC string. A malformed or foreign hash is simply
    /// `false`: the caller treats it like a wrong password and never panics on database data.
    /// The hash's own parameters are used, so old hashes keep verifying after a parameter change.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(parsed) => self
                .argon
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Spends the same time as [`PasswordHasher::verify`] against a real account, for a login
    /// whose e-mail matches no account: without it, "unknown e-mail" answers in microseconds
    /// and "wrong password" in tens of milliseconds, which tells an attacker who is registered.
    pub fn verify_dummy(&self, password: &str) {
        let dummy = self.dummy.get_or_init(|| {
            // A fixed password hashed under our parameters; if hashing somehow fails, an empty
            // string still makes `verify` return false (but then cheaply; it cannot fail with
            // parameters that `with_params` accepted).
            self.hash("hashinsight dummy password for timing equalisation")
                .unwrap_or_default()
        });
        let _ = std::hint::black_box(self.verify(password, dummy));
    }

    /// Whether a stored hash was made with other parameters (or another algorithm, or is not a
    /// valid PHC string) and should be replaced by [`PasswordHasher::hash`] of the password the
    /// user just typed successfully.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return true;
        };
        if parsed.algorithm.as_str() != argon2::ARGON2ID_IDENT.as_str()
            || parsed.version != Some(Version::V0x13.into())
        {
            return true;
        }
        match Params::try_from(&parsed) {
            Ok(p) => {
                p.m_cost() != self.params.m_cost()
                    || p.t_cost() != self.params.t_cost()
                    || p.p_cost() != self.params.p_cost()
                    || p.output_len().unwrap_or(OUTPUT_LEN) != OUTPUT_LEN
            }
            Err(_) => true,
        }
    }
}

/// Checks a new password against the policy, in the spirit of NIST SP 800-63B §5.1.1.2:
/// length bounds, no e-mail local part, and not one of the most common passwords.
///
/// There are deliberately no composition rules ("one digit, one symbol, one capital"): NIST
/// recommends against them because users meet them predictably ("Password1!"), they push people
/// to write passwords down or reuse them, and they add little entropy compared with length.
/// Length is counted in Unicode scalar values (`chars()`), so a non-ASCII passphrase is not
/// penalised or favoured by its byte length.
pub fn check_policy(password: &str, email: &str) -> Result<(), PasswordPolicyError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if local.chars().count() >= MIN_LOCAL_PART_CHARS && lower.contains(&local) {
        return Err(PasswordPolicyError::ContainsEmail);
    }
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(PasswordPolicyError::TooCommon);
    }
    Ok(())
}

/// Lowercase passwords of at least [`MIN_PASSWORD_CHARS`] characters that top public breach
/// frequency lists (shorter ones are already refused by length), plus a few obvious to this
/// application. Small on purpose: a full breach corpus belongs in the server, if anywhere.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "0123456789",
    "0987654321",
    "9876543210",
    "12345678910",
    "123456789a",
    "1234567890a",
    "1234567890q",
    "a123456789",
    "aa123456789",
    "abc1234567",
    "abcd123456",
    "abcdef1234",
    "abcdefghij",
    "a1b2c3d4e5",
    "1a2b3c4d5e",
    "1111111111",
    "0000000000",
    "2222222222",
    "5555555555",
    "1234512345",
    "1122334455",
    "1212121212",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "1q2w3e4r5t6y7u",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "1qaz2wsx3edc",
    "1qazxsw23edc",
    "qazwsxedcrfv",
    "qwertyuiop",
    "qwertyuiop1",
    "qwertyuiop123",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "qwertyqwerty",
    "asdfghjkl1",
    "asdfghjkl;",
    "asdf123456",
    "asdfasdfasdf",
    "zxcvbnm123",
    "zxcvbnmasdfghjkl",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "password!1",
    "password1!",
    "passw0rd123",
    "p@ssw0rd123",
    "p@ssword123",
    "passwordpassword",
    "mypassword",
    "mypassword1",
    "mypassword123",
    "iloveyou12",
    "iloveyou123",
    "iloveyou1234",
    "iloveyou!!",
    "loveyou123",
    "ilovemyself",
    "letmein123",
    "letmeinnow",
    "welcome123",
    "welcome1234",
    "changeme123",
    "sunshine123",
    "princess123",
    "football123",
    "baseball123",
    "basketball",
    "superman123",
    "batman1234",
    "monkey1234",
    "dragon1234",
    "master1234",
    "shadow1234",
    "michael123",
    "charlie123",
    "jennifer123",
    "starwars123",
    "pokemon123",
    "whatever123",
    "computer123",
    "internet123",
    "freedom123",
    "liverpool1",
    "chelsea123",
    "arsenal123",
    "manchester",
    "samsung123",
    "google1234",
    "facebook123",
    "secret1234",
    "administrator",
    "admin12345",
    "admin123456",
    "adminadmin",
    "rootroot12",
    "bitcoin123",
    "bitcoin1234",
    "satoshi123",
    "blockchain",
    "hashinsight",
    "hashinsight1",
    "hashinsight123",
    "mining1234",
    "miner12345",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Small parameters so the tests stay fast; the default ones are exercised once below.
    fn fast() -> PasswordHasher {
        PasswordHasher::with_params(64, 1, 1).unwrap()
    }

    #[test]
    fn hash_and_verify() {
        let h = fast();
        let phc = h.hash("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(h.verify("correct horse battery staple", &phc));
        assert!(!h.verify("correct horse battery stapler", &phc));
        assert!(!h.verify("", &phc));
    }

    #[test]
    fn salts_differ() {
        let h = fast();
        assert_ne!(
            h.hash("same password").unwrap(),
            h.hash("same password").unwrap()
        );
    }

    #[test]
    fn malformed_hashes_do_not_verify_or_panic() {
        let h = fast();
        for bad in [
            "",
            "$",
            "not a hash",
            "$argon2id$v=19$m=64,t=1,p=1$",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$",
            "$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            "$argon2id$v=19$m=64,t=1,p=1$\u{0}\u{0}$\u{ff}",
        ] {
            assert!(!h.verify("password", bad), "{bad:?}");
            assert!(h.needs_rehash(bad), "{bad:?}");
        }
    }

    #[test]
    fn other_params_still_verify_but_need_rehash() {
        let old = PasswordHasher::with_params(32, 1, 1).unwrap();
        let new = fast();
        let phc = old.hash("a long passphrase").unwrap();
        assert!(new.verify("a long passphrase", &phc));
        assert!(new.needs_rehash(&phc));
        assert!(!old.needs_rehash(&phc));
        assert!(!new.needs_rehash(&new.hash("x").unwrap()));
    }

    #[test]
    fn argon2i_hash_needs_rehash() {
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(64, 1, 1, Some(32)).unwrap(),
        );
        let phc = argon2i.hash_password(b"pw").unwrap().to_string();
        assert!(fast().needs_rehash(&phc));
    }

    #[test]
    fn invalid_params_are_an_error() {
        assert!(matches!(
            PasswordHasher::with_params(1, 1, 1),
            Err(PasswordError::InvalidParams(_))
        ));
        assert!(PasswordHasher::with_params(64, 1, 0).is_err());
    }

    #[test]
    fn dummy_verify_runs() {
        let h = fast();
        h.verify_dummy("anything");
        h.verify_dummy("anything else");
        assert!(h.dummy.get().is_some_and(|d| d.starts_with("$argon2id$")));
    }

    #[test]
    fn default_params_are_owasp_minimum() {
        let h = PasswordHasher::default();
        let phc = h.hash("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify("correct horse battery staple", &phc));
        assert!(!h.needs_rehash(&phc));
    }

    #[test]
    fn policy_length() {
        assert_eq!(
            check_policy("short", "a@b.c"),
            Err(PasswordPolicyError::TooShort { min: 10 })
        );
        // Nine characters, ten bytes: counted as characters.
        assert_eq!(
            check_policy("ééééééééé", "a@b.c"),
            Err(PasswordPolicyError::TooShort { min: 10 })
        );
        assert_eq!(check_policy("éééééééééé", "a@b.c"), Ok(()));
        assert_eq!(check_policy(&"x".repeat(256), "a@b.c"), Ok(()));
        assert_eq!(
            check_policy(&"x".repeat(257), "a@b.c"),
            Err(PasswordPolicyError::TooLong { max: 256 })
        );
    }

    #[test]
    fn policy_email() {
        assert_eq!(
            check_policy("Satoshi.Nakamoto", "satoshi.nakamoto@example.com"),
            Err(PasswordPolicyError::ContainsEmail)
        );
        assert_eq!(
            check_policy("my-ALICE-password", "alice@example.com"),
            Err(PasswordPolicyError::ContainsEmail)
        );
        // A local part under 4 characters is not checked.
        assert_eq!(check_policy("bobsled-racing", "bob@example.com"), Ok(()));
        assert_eq!(
            check_policy("an unrelated phrase", "alice@example.com"),
            Ok(())
        );
    }

    #[test]
    fn policy_common() {
        for p in [
            "password123",
            "1234567890",
            "QwertyUIOP",
            "iloveyou12",
            "HashInsight",
        ] {
            assert_eq!(
                check_policy(p, "someone@example.com"),
                Err(PasswordPolicyError::TooCommon),
                "{p}"
            );
        }
        assert!(COMMON_PASSWORDS.len() >= 100);
        for p in COMMON_PASSWORDS {
            assert_eq!(*p, p.to_lowercase());
            assert!(
                p.chars().count() >= MIN_PASSWORD_CHARS,
                "{p} is refused by length anyway"
            );
        }
    }

    #[test]
    fn no_composition_rules() {
        assert_eq!(check_policy("all lowercase words here", "x@y.z"), Ok(()));
    }
}
