//! Encryption at rest for Secrets, as kube-apiserver's EncryptionConfiguration does it.
//!
//! Worked example with the aescbc provider and key name `key1`: the stored value is
//!
//! ```text
//! k8s:enc:aescbc:v1:key1:<16-byte IV><AES-256-CBC ciphertext of the JSON, PKCS#7 padded>
//! ```
//!
//! so `etcdctl get /registry/secrets/default/db-pass` shows the prefix and binary,
//! while `kubectl get secret db-pass -o yaml` (through the apiserver) shows the data.
//! The IV comes from a seeded ChaCha20 RNG owned by the transformer, so a replay
//! with the same seed writes the same bytes. The identity provider stores the
//! JSON as it is; values written under another provider stay readable as long
//! as their key is still configured (like a real key rotation).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

type Aes256CbcEncryptor = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDecryptor = cbc::Decryptor<aes::Aes256>;

/// The value prefix of the aescbc provider (the key name and `:` follow).
pub const AESCBC_PREFIX: &str = "k8s:enc:aescbc:v1:";

/// One named AES-256 key of the aescbc provider.
#[derive(Clone, PartialEq, Eq)]
pub struct AescbcKey {
    pub name: String,
    pub secret: [u8; 32],
}

impl std::fmt::Debug for AescbcKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        formatter
            .debug_struct("AescbcKey")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Which provider writes new values (the first provider of an EncryptionConfiguration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncryptionProvider {
    /// Plain JSON, no prefix.
    Identity,
    /// AES-CBC with PKCS#7 padding under the named key.
    Aescbc(AescbcKey),
}

/// Why a stored value could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("no matching prefix found")]
    UnknownKey,
    #[error("the stored data was shorter than the required size")]
    TooShort,
    #[error("invalid padding on input")]
    BadPadding,
}

/// Turns plaintext into what is stored and back.
#[derive(Debug, Clone)]
pub struct Transformer {
    provider: EncryptionProvider,
    /// Keys still accepted for reading (old keys after a rotation).
    read_keys: Vec<AescbcKey>,
    iv_rng: ChaCha20Rng,
}

impl Transformer {
    /// A transformer writing with `provider`; `iv_seed` seeds the IV generator.
    pub fn new(provider: EncryptionProvider, iv_seed: u64) -> Transformer {
        let mut read_keys = Vec::new();
        if let EncryptionProvider::Aescbc(key) = &provider {
            read_keys.push(key.clone());
        }
        Transformer {
            provider,
            read_keys,
            iv_rng: ChaCha20Rng::seed_from_u64(iv_seed),
        }
    }

    /// Switch the write provider; the old key stays readable.
    pub fn set_provider(&mut self, provider: EncryptionProvider) {
        if let EncryptionProvider::Aescbc(key) = &provider {
            if !self.read_keys.iter().any(|known| known.name == key.name) {
                self.read_keys.push(key.clone());
            }
        }
        self.provider = provider;
    }

    /// The provider that writes new values.
    pub fn provider(&self) -> &EncryptionProvider {
        &self.provider
    }

    /// Plaintext to stored bytes.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Vec<u8> {
        match &self.provider {
            EncryptionProvider::Identity => plaintext.to_vec(),
            EncryptionProvider::Aescbc(key) => {
                let mut iv = [0u8; 16];
                self.iv_rng.fill_bytes(&mut iv);
                let ciphertext = Aes256CbcEncryptor::new(&key.secret.into(), &iv.into())
                    .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
                let mut stored = format!("{AESCBC_PREFIX}{}:", key.name).into_bytes();
                stored.extend_from_slice(&iv);
                stored.extend_from_slice(&ciphertext);
                stored
            }
        }
    }

    /// Stored bytes to plaintext. Values without a `k8s:enc:` prefix are plain.
    pub fn decrypt(&self, stored: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let Some(rest) = stored.strip_prefix(AESCBC_PREFIX.as_bytes()) else {
            if stored.starts_with(b"k8s:enc:") {
                return Err(DecryptError::UnknownKey);
            }
            return Ok(stored.to_vec());
        };
        let Some(colon) = rest.iter().position(|byte| *byte == b':') else {
            return Err(DecryptError::UnknownKey);
        };
        let (name, payload) = (&rest[..colon], &rest[colon + 1..]);
        let key = self
            .read_keys
            .iter()
            .find(|key| key.name.as_bytes() == name)
            .ok_or(DecryptError::UnknownKey)?;
        if payload.len() < 32 || payload.len() % 16 != 0 {
            return Err(DecryptError::TooShort);
        }
        let (iv, ciphertext) = payload.split_at(16);
        let mut iv_array = [0u8; 16];
        iv_array.copy_from_slice(iv);
        Aes256CbcDecryptor::new(&key.secret.into(), &iv_array.into())
            .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
            .map_err(|_| DecryptError::BadPadding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key1() -> AescbcKey {
        AescbcKey {
            name: "key1".to_string(),
            secret: [7u8; 32],
        }
    }

    #[test]
    fn aescbc_values_carry_the_real_prefix_and_round_trip() {
        let mut transformer = Transformer::new(EncryptionProvider::Aescbc(key1()), 42);
        let stored = transformer.encrypt(b"{\"data\":{\"password\":\"czNjcjN0\"}}");
        assert!(stored.starts_with(b"k8s:enc:aescbc:v1:key1:"));
        assert!(!stored.windows(8).any(|window| window == b"password"));
        assert_eq!(
            transformer.decrypt(&stored),
            Ok(b"{\"data\":{\"password\":\"czNjcjN0\"}}".to_vec())
        );
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
        let stored =
            |seed| Transformer::new(EncryptionProvider::Aescbc(key1()), seed).encrypt(b"same");
        assert_eq!(stored(1), stored(1));
        assert_ne!(stored(1), stored(2));
    }

    #[test]
    fn rotating_to_identity_keeps_old_ciphertext_readable() {
        let mut transformer = Transformer::new(EncryptionProvider::Aescbc(key1()), 3);
        let encrypted = transformer.encrypt(b"old");
        transformer.set_provider(EncryptionProvider::Identity);
        assert_eq!(transformer.encrypt(b"new"), b"new".to_vec());
        assert_eq!(transformer.decrypt(&encrypted), Ok(b"old".to_vec()));
        let stranger = Transformer::new(EncryptionProvider::Identity, 3);
        assert_eq!(stranger.decrypt(&encrypted), Err(DecryptError::UnknownKey));
    }
}
