//! Keyed pseudo-random permutations of `0..n` and small hashing helpers.
//!
//! The generator hands out national ids, HPR numbers and organisation
//! numbers through permutations rather than random draws: a permutation
//! never repeats a value, so uniqueness holds by construction (no set of
//! already used ids, no coordination between threads) while the values still
//! look random. Not cryptographic — the key only has to make different seeds
//! give different orders.

/// A balanced Feistel network over the smallest even power of two ≥ `n`,
/// restricted to `0..n` by cycle walking. The domain is at most four times
/// `n`, so a value takes about two encryptions on average.
#[derive(Clone, Debug)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    mask: u64,
    keys: [u64; 4],
}

impl Permutation {
    pub(crate) fn new(n: u64, key: u64) -> Permutation {
        // Bits needed to represent n - 1, at least 2, rounded up to even.
        let bits = if n <= 1 {
            2
        } else {
            (64 - (n - 1).leading_zeros()).max(2)
        };
        let bits = bits + (bits & 1);
        let half_bits = bits / 2;
        let mut state = key;
        let keys = [
            splitmix(&mut state),
            splitmix(&mut state),
            splitmix(&mut state),
            splitmix(&mut state),
        ];
        Permutation {
            n,
            half_bits,
            mask: (1u64 << half_bits) - 1,
            keys,
        }
    }

    /// The image of `x`; `x` must be below `n`.
    #[inline]
    pub(crate) fn apply(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = x;
        loop {
            y = self.encrypt(y);
            if y < self.n {
                return y;
            }
        }
    }

    #[inline]
    fn encrypt(&self, x: u64) -> u64 {
        let mut left = x >> self.half_bits;
        let mut right = x & self.mask;
        for k in self.keys {
            let f = mix64(right ^ k) & self.mask;
            (left, right) = (right, left ^ f);
        }
        (left << self.half_bits) | right
    }
}

/// The splitmix64 step: a well-mixed sequence from a counter.
#[inline]
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// The murmur3 / splitmix64 finaliser.
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives a 64-bit key from the user's seed and a purpose/index pair.
#[inline]
pub(crate) fn derive(seed: u64, purpose: u64, index: u64) -> u64 {
    let a = mix64(seed ^ 0x6574_7465_726C_6576); // "etterlev"
    let b = mix64(a ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    mix64(b ^ index.wrapping_mul(0xA076_1D64_78BD_642F))
}

/// A 32-byte RNG seed from the user's seed and a purpose/index pair.
pub(crate) fn rng_seed(seed: u64, purpose: u64, index: u64) -> [u8; 32] {
    let mut state = derive(seed, purpose, index);
    let mut out = [0u8; 32];
    for chunk in out.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix(&mut state).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_for_many_sizes() {
        for n in [1u64, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 255, 256, 257, 1000, 4099] {
            for key in [0u64, 1, 42, u64::MAX] {
                let p = Permutation::new(n, key);
                let mut seen = vec![false; n as usize];
                for x in 0..n {
                    let y = p.apply(x);
                    assert!(y < n);
                    assert!(!seen[y as usize], "n={n} key={key}: {y} twice");
                    seen[y as usize] = true;
                }
            }
        }
    }

    #[test]
    fn keys_change_the_order() {
        let a: Vec<u64> = (0..50).map(|x| Permutation::new(1000, 1).apply(x)).collect();
        let b: Vec<u64> = (0..50).map(|x| Permutation::new(1000, 2).apply(x)).collect();
        assert_ne!(a, b);
        // Not the identity.
        assert!(a.iter().enumerate().filter(|(i, v)| *i as u64 == **v).count() < 5);
    }
}
