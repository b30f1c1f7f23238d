//! Sealing bot tokens at rest and signing OAuth `state` values, with `ring` (already the TLS
//! provider, so no new crate): AES-256-GCM under `MOMENTUM_TOKEN_KEY` with a fresh random
//! nonce per token and the workspace id as associated data (a sealed token copied onto another
//! workspace's row does not open), and HMAC-SHA-256 under a key derived from the same secret.
use crate::secret::Secret;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;

/// The prefix of a value sealed before keys had names: `v1.` + hex.
const SEALED_V1: &str = "v1.";
/// The prefix of a sealed value that names its key: `v2.<key id>.` + hex.
const SEALED_V2: &str = "v2.";

/// The key that seals bot tokens, from 64 hex characters (`openssl rand -hex 32`).
#[derive(Clone)]
pub struct TokenKey {
    aead: std::sync::Arc<LessSafeKey>,
    state: hmac::Key,
    /// A name for the key that reveals nothing of it (8 hex digits of an HMAC under it),
    /// written into every value it seals, so rotation knows which key opens what.
    id: String,
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(***)")
    }
}

/// A sealed value that does not open under this key (a wrong key, or tampered data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored token could not be decrypted with MOMENTUM_TOKEN_KEY")]
pub struct Unsealable;

impl TokenKey {
    /// Reads the key; the error says what a valid one looks like and how to make one.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = from_hex(text.trim())
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                "MOMENTUM_TOKEN_KEY must be 64 hex characters (32 random bytes); make one with \
                 `openssl rand -hex 32` and keep it: the bot tokens stored in the database can \
                 only be read with the key they were stored with."
                    .to_owned()
            })?;
        let aead = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| "MOMENTUM_TOKEN_KEY is not a usable AES-256 key".to_owned())?;
        // A separate key for signing, so the two uses never share key material.
        let derive = hmac::Key::new(hmac::HMAC_SHA256, &bytes);
        let state_key = hmac::sign(&derive, b"momentum oauth state v1");
        let id = to_hex(&hmac::sign(&derive, b"momentum key id v1").as_ref()[..4]);
        Ok(Self {
            aead: std::sync::Arc::new(LessSafeKey::new(aead)),
            state: hmac::Key::new(hmac::HMAC_SHA256, state_key.as_ref()),
            id,
        })
    }

    /// The key's name, as sealed values carry it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `sealed` was sealed by this key in the current format (no re-sealing needed).
    pub fn sealed_it(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(SEALED_V2)
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(id, _)| id == self.id)
    }

    /// Seals `token` for workspace `team_id`: `v2.<key id>.` + hex(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, team_id: &str, token: &Secret) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        random(&mut nonce);
        let mut data = token.expose().as_bytes().to_vec();
        self.aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(team_id.as_bytes()),
                &mut data,
            )
            .expect("AES-GCM sealing a short token cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{SEALED_V2}{}.{}", self.id, to_hex(&out))
    }

    /// Opens a value [`seal`](Self::seal)ed for `team_id`.
    pub fn open(&self, team_id: &str, sealed: &str) -> Result<Secret, Unsealable> {
        let body = match sealed.strip_prefix(SEALED_V2) {
            Some(rest) => match rest.split_once('.') {
                Some((id, body)) if id == self.id => body,
                _ => return Err(Unsealable),
            },
            None => sealed.strip_prefix(SEALED_V1).ok_or(Unsealable)?,
        };
        let bytes = from_hex(body)
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(Unsealable)?;
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Unsealable)?;
        let mut data = rest.to_vec();
        let plain = self
            .aead
            .open_in_place(nonce, Aad::from(team_id.as_bytes()), &mut data)
            .map_err(|_| Unsealable)?;
        String::from_utf8(plain.to_vec())
            .map(Secret::new)
            .map_err(|_| Unsealable)
    }

    /// A signed OAuth `state`: `nonce.expires.mac`, where `expires` is a Unix time.
    pub fn sign_state(&self, expires: i64) -> String {
        let mut nonce = [0u8; 16];
        random(&mut nonce);
        let body = format!("{}.{expires}", to_hex(&nonce));
        let mac = hmac::sign(&self.state, body.as_bytes());
        format!("{body}.{}", to_hex(mac.as_ref()))
    }

    /// Checks a state's signature; returns its nonce and expiry (the caller checks both).
    pub fn verify_state<'a>(&self, state: &'a str) -> Option<(&'a str, i64)> {
        let (body, mac) = state.rsplit_once('.')?;
        let (nonce, expires) = body.split_once('.')?;
        hmac::verify(&self.state, body.as_bytes(), &from_hex(mac)?).ok()?;
        Some((nonce, expires.parse().ok()?))
    }
}

/// A fresh token for a private link: 256 random bits, as 64 hex characters.
pub fn link_token() -> String {
    let mut bytes = [0u8; 32];
    random(&mut bytes);
    to_hex(&bytes)
}

/// What is kept of a link's token: its SHA-256, in hex. A token that is not 64 hex
/// characters hashes like any other and opens nothing.
pub fn token_hash(token: &str) -> String {
    to_hex(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref())
}

fn random(buf: &mut [u8]) {
    SystemRandom::new()
        .fill(buf)
        .expect("the operating system's random source is unavailable");
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fill: &str) -> TokenKey {
        TokenKey::from_hex(&fill.repeat(64)).unwrap()
    }

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_workspace() {
        let token = Secret::new("xoxb-123-abc");
        let sealed = key("a").seal("T1", &token);
        assert!(!sealed.contains("xoxb"), "{sealed}");
        assert_eq!(key("a").open("T1", &sealed), Ok(token));
        assert_eq!(key("b").open("T1", &sealed), Err(Unsealable));
        assert_eq!(key("a").open("T2", &sealed), Err(Unsealable));
        assert_eq!(key("a").open("T1", "xoxb-123-abc"), Err(Unsealable));
    }

    #[test]
    fn a_sealed_token_names_its_key_and_the_old_format_still_opens() {
        let token = Secret::new("xoxb-123-abc");
        let sealed = key("a").seal("T1", &token);
        assert!(
            sealed.starts_with(&format!("v2.{}.", key("a").id())),
            "{sealed}"
        );
        assert_eq!(key("a").id().len(), 8);
        assert_ne!(key("a").id(), key("b").id());
        assert!(key("a").sealed_it(&sealed) && !key("b").sealed_it(&sealed));
        // A value from before keys had names: `v1.` and the same body.
        let body = sealed.rsplit_once('.').unwrap().1;
        let old = format!("v1.{body}");
        assert_eq!(key("a").open("T1", &old), Ok(token));
        assert!(!key("a").sealed_it(&old));
    }

    #[test]
    fn link_tokens_are_256_random_bits_and_only_their_hash_is_kept() {
        let (a, b) = (link_token(), link_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let token = Secret::new("xoxb-1");
        assert_ne!(key("a").seal("T1", &token), key("a").seal("T1", &token));
    }

    #[test]
    fn a_key_must_be_32_bytes_of_hex() {
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(62)] {
            let err = TokenKey::from_hex(bad).unwrap_err();
            assert!(err.contains("openssl rand -hex 32"), "{err}");
        }
    }

    #[test]
    fn a_state_verifies_only_unchanged_and_under_its_key() {
        let state = key("a").sign_state(1_800_000_000);
        let (nonce, expires) = key("a").verify_state(&state).unwrap();
        assert_eq!(expires, 1_800_000_000);
        assert_eq!(nonce.len(), 32);
        assert!(key("b").verify_state(&state).is_none());
        let later = state.replace(".1800000000.", ".1900000000.");
        assert!(key("a").verify_state(&later).is_none());
        assert!(key("a").verify_state("x.1.00").is_none());
    }
}
