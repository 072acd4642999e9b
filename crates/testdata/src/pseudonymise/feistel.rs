//! Keyed permutations of small integer ranges `[0, n)`.
//!
//! An unbalanced Feistel network over the next power of two (8 rounds,
//! AES-128 as the round function (`key::Prf`), keyed by the `id` or `date`
//! sub-key and a per-use tweak), restricted to `[0, n)` by cycle walking: apply the
//! network again until the value falls inside the range. Cycle walking over a
//! permutation of the larger range always returns to the range, and the
//! result is a permutation of `[0, n)` (Black & Rogaway, "Ciphers with
//! arbitrary finite domains", 2002). Since `n` is more than half of the power
//! of two, fewer than two passes are needed on average. Domains of at most
//! 2^8 use the same network with each round's function read from one 64-bit
//! PRF word, all eight computed together (see `SmallRounds`).

use super::key::Prf;

const ROUNDS: u64 = 8;

/// The image of `x` under the permutation of `[0, n)` selected by `tweak`.
/// Requires `x < n`, `n ≤ 2^32` and `tweak < 2^40` (the round function's
/// input packs tweak, round and half into one 64-bit word).
#[inline]
pub(crate) fn permute(prf: &Prf, tweak: u64, n: u64, x: u64) -> u64 {
    debug_assert!(x < n, "{x} outside [0, {n})");
    if n <= 1 {
        return x;
    }
    let bits = 64 - (n - 1).leading_zeros();
    if let Some(tables) = SmallRounds::new(prf, tweak, bits) {
        let mut y = x;
        loop {
            y = tables.network(y);
            if y < n {
                return y;
            }
        }
    }
    let mut y = x;
    loop {
        y = network(prf, tweak, bits, y);
        if y < n {
            return y;
        }
    }
}

/// The inverse of [`permute`] (for tests and the date permutation).
pub(crate) fn unpermute(prf: &Prf, tweak: u64, n: u64, y: u64) -> u64 {
    debug_assert!(y < n);
    if n <= 1 {
        return y;
    }
    let bits = 64 - (n - 1).leading_zeros();
    if let Some(tables) = SmallRounds::new(prf, tweak, bits) {
        let mut x = y;
        loop {
            x = tables.network_inverse(x);
            if x < n {
                return x;
            }
        }
    }
    let mut x = y;
    loop {
        x = network_inverse(prf, tweak, bits, x);
        if x < n {
            return x;
        }
    }
}

/// The network for domains of at most 2^8 (halves of at most 4 bits):
/// each round's function maps a half (16 possible values) to a half, so one
/// 64-bit PRF output, read as 16 nibbles, *is* that round's function. The
/// eight outputs depend only on the tweak, so they are computed once per
/// call, as four AES blocks in one pipelined call (`Prf::words8`), and
/// reused by every cycle-walking pass — instead of one PRF call per round
/// and pass, each waiting for the last. Most national-id classes have ~100–250
/// members, so this is the common case.
struct SmallRounds {
    functions: [u64; ROUNDS as usize],
    bits: u32,
}

impl SmallRounds {
    fn new(prf: &Prf, tweak: u64, bits: u32) -> Option<SmallRounds> {
        if !(2..=8).contains(&bits) {
            return None;
        }
        debug_assert!(tweak < 1 << 40);
        Some(SmallRounds {
            functions: prf.words8(tweak),
            bits,
        })
    }

    #[inline]
    fn f(&self, round: u64, half: u64) -> u64 {
        self.functions[round as usize] >> (4 * half)
    }

    fn network(&self, x: u64) -> u64 {
        let mut h = self.bits / 2;
        let mut l = self.bits - h;
        let mut v = x;
        for round in 0..ROUNDS {
            let lo = v & ((1 << l) - 1);
            let hi = (v >> l) ^ (self.f(round, lo) & ((1 << h) - 1));
            v = (lo << h) | hi;
            std::mem::swap(&mut h, &mut l);
        }
        v
    }

    fn network_inverse(&self, y: u64) -> u64 {
        let (h0, l0) = (self.bits / 2, self.bits - self.bits / 2);
        let mut v = y;
        for round in (0..ROUNDS).rev() {
            let (h, l) = if round % 2 == 0 { (h0, l0) } else { (l0, h0) };
            let hi_new = v & ((1 << h) - 1);
            let lo = v >> h;
            let hi = hi_new ^ (self.f(round, lo) & ((1 << h) - 1));
            v = (hi << l) | lo;
        }
        v
    }
}

#[inline]
fn round_fn(prf: &Prf, tweak: u64, round: u64, half: u64) -> u64 {
    debug_assert!(tweak < 1 << 40 && half < 1 << 16);
    prf.word((tweak << 24) | (round << 16) | half)
}

/// One pass of the network over `bits`-bit values. The value is split into a
/// high part of `h` bits and a low part of `l` bits; each round replaces the
/// high part by `high ⊕ F(low)` and rotates so the parts swap roles.
#[inline]
fn network(prf: &Prf, tweak: u64, bits: u32, x: u64) -> u64 {
    if bits == 1 {
        return x ^ (round_fn(prf, tweak, 0xff, 0) & 1);
    }
    let mut h = bits / 2;
    let mut l = bits - h;
    let mut v = x;
    for round in 0..ROUNDS {
        let lo = v & ((1 << l) - 1);
        let hi = v >> l;
        let hi = hi ^ (round_fn(prf, tweak, round, lo) & ((1 << h) - 1));
        v = (lo << h) | hi;
        std::mem::swap(&mut h, &mut l);
    }
    v
}

fn network_inverse(prf: &Prf, tweak: u64, bits: u32, y: u64) -> u64 {
    if bits == 1 {
        return y ^ (round_fn(prf, tweak, 0xff, 0) & 1);
    }
    // After ROUNDS rounds (even), the widths are back to (h, l).
    let (h0, l0) = (bits / 2, bits - bits / 2);
    let mut v = y;
    for round in (0..ROUNDS).rev() {
        // Widths at the start of `round`.
        let (h, l) = if round % 2 == 0 { (h0, l0) } else { (l0, h0) };
        // v = (lo << h) | hi'
        let hi_new = v & ((1 << h) - 1);
        let lo = v >> h;
        let hi = hi_new ^ (round_fn(prf, tweak, round, lo) & ((1 << h) - 1));
        v = (hi << l) | lo;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prf(seed: u8) -> Prf {
        Prf::from_key(&[seed; 16])
    }

    #[test]
    fn is_a_permutation_for_every_small_size() {
        let p = prf(3);
        for n in 1..=600u64 {
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = permute(&p, n * 7, n, x);
                assert!(y < n);
                assert!(!seen[y as usize], "n={n}: collision");
                seen[y as usize] = true;
                assert_eq!(unpermute(&p, n * 7, n, y), x);
            }
        }
    }

    #[test]
    fn small_domains_depend_on_key_and_tweak() {
        let (a, b) = (prf(1), prf(2));
        let n = 200;
        let by_key = (0..n).filter(|&x| permute(&a, 5, n, x) != permute(&b, 5, n, x)).count();
        let by_tweak = (0..n).filter(|&x| permute(&a, 5, n, x) != permute(&a, 6, n, x)).count();
        // A random pair of permutations agrees on about one point.
        assert!(by_key > 190 && by_tweak > 190, "{by_key} {by_tweak}");
    }

    #[test]
    fn large_domain_round_trips_and_keys_matter() {
        let n = 165_000_000;
        assert!(n < 1u64 << 32);
        let (a, b) = (prf(1), prf(2));
        let mut same = 0;
        for x in (0..n).step_by(1_000_003) {
            let y = permute(&a, 9, n, x);
            assert!(y < n);
            assert_eq!(unpermute(&a, 9, n, y), x);
            if permute(&b, 9, n, x) == y {
                same += 1;
            }
        }
        assert!(same <= 1);
        // Different tweaks give different permutations.
        let differ = (0..500)
            .filter(|&x| permute(&a, 1, 500, x) != permute(&a, 2, 500, x))
            .count();
        assert!(differ > 450, "{differ}");
    }
}
