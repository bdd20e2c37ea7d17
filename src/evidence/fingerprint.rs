//! Keyed fingerprints of values: HMAC-SHA-256 over the kind and the normalised value.
//!
//! A plain hash of an 11-digit mobile number is reversible by enumerating 10^11 values, so
//! reports only carry keyed fingerprints. The key comes from `--hash-key` or the
//! `PIISCAN_HASH_KEY` environment variable; without one, a random key is drawn per scan and
//! fingerprints only correlate findings within that report.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Kind;

/// A fingerprint key.
#[derive(Clone)]
pub struct FingerprintKey {
    /// The MAC with the key already absorbed; cloned per value (saves two SHA-256 blocks).
    mac: Hmac<Sha256>,
    /// True if the key was given by the user (fingerprints then correlate across reports).
    pub user_supplied: bool,
}

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself.
        f.debug_struct("FingerprintKey")
            .field("user_supplied", &self.user_supplied)
            .finish_non_exhaustive()
    }
}

impl FingerprintKey {
    /// A key given by the user.
    pub fn from_secret(secret: &[u8]) -> FingerprintKey {
        FingerprintKey {
            mac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key"),
            user_supplied: true,
        }
    }

    /// A fresh random key for one scan.
    pub fn random() -> FingerprintKey {
        let mut key = vec![0u8; 32];
        if getrandom::getrandom(&mut key).is_err() {
            // Fall back to time and address entropy; still unknown to report readers.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            let addr = &key as *const _ as usize as u128;
            key[..16].copy_from_slice(&(t ^ addr.rotate_left(64)).to_le_bytes());
        }
        FingerprintKey {
            mac: Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key"),
            user_supplied: false,
        }
    }

    /// A short public identifier of the key: the HMAC of a fixed label, which tells
    /// whether two baselines or reports were made with the same key without revealing it.
    pub fn id(&self) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"piiscan key id");
        hex(&mac.finalize().into_bytes()[..8])
    }

    /// The hex HMAC-SHA-256 of `kind` and `value`.
    pub fn fingerprint(&self, kind: Kind, value: &str) -> String {
        hex(&self.mac_of(kind, value))
    }

    /// The first 128 bits of the fingerprint of `kind` and `value` (of [`Self::fingerprint`]),
    /// as a number: enough to tell distinct values apart when counting them.
    pub fn fingerprint128(&self, kind: Kind, value: &str) -> u128 {
        let mac = self.mac_of(kind, value);
        let mut first = [0u8; 16];
        first.copy_from_slice(&mac[..16]);
        u128::from_be_bytes(first)
    }

    /// The HMAC-SHA-256 of `kind` and `value`.
    fn mac_of(&self, kind: Kind, value: &str) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(kind.name().as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_fingerprint_other_key_differs() {
        let a = FingerprintKey::from_secret(b"case-42");
        let b = FingerprintKey::from_secret(b"case-43");
        let fa = a.fingerprint(crate::detect::cn_mobile::KIND, "13800138000");
        assert_eq!(
            fa,
            a.fingerprint(crate::detect::cn_mobile::KIND, "13800138000")
        );
        assert_ne!(
            fa,
            b.fingerprint(crate::detect::cn_mobile::KIND, "13800138000")
        );
        assert_ne!(
            fa,
            a.fingerprint(crate::detect::cn_landline::KIND, "13800138000")
        );
        assert_eq!(fa.len(), 64);
        assert!(!fa.contains("13800138000"));
        assert_eq!(a.id(), FingerprintKey::from_secret(b"case-42").id());
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
    }

    #[test]
    fn random_keys_differ() {
        let a = FingerprintKey::random();
        let b = FingerprintKey::random();
        assert_ne!(
            a.fingerprint(crate::detect::email::KIND, "a@b.cn"),
            b.fingerprint(crate::detect::email::KIND, "a@b.cn")
        );
        assert!(!format!("{a:?}").contains("key:"));
    }

    #[test]
    fn hmac_known_answer() {
        // RFC 4231 test case 2.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
