//! Page bitmaps and the guest's writes into them.
//!
//! One bit per 4 KiB page keeps a 64 GiB guest (16 Mi pages) in 2 MiB, so a snapshot of
//! the whole migration is cheap to clone. Writes land on uniformly random pages of the
//! hot set; [`touch`] marks the pages a burst of writes dirties.

use rand::{Rng, RngCore};
use rand_chacha::ChaCha8Rng;

/// Bits of precision of the per-page probability in the word-at-a-time sampler.
const SLICE_BITS: u32 = 16;

/// A bitmap of `pages` pages, all clear.
pub(super) fn new_bitmap(pages: usize) -> Vec<u64> {
    vec![0; pages.div_ceil(64)]
}

/// A bitmap of `pages` pages, all set (the bits past the last page stay clear).
pub(super) fn full_bitmap(pages: usize) -> Vec<u64> {
    let mut bits = vec![u64::MAX; pages.div_ceil(64)];
    if let Some(last) = bits.last_mut()
        && !pages.is_multiple_of(64)
    {
        *last = (1u64 << (pages % 64)) - 1;
    }
    bits
}

/// Whether page `page` is set.
#[cfg(test)]
pub(super) fn get(bits: &[u64], page: usize) -> bool {
    bits.get(page / 64).is_some_and(|w| w >> (page % 64) & 1 == 1)
}

/// Sets page `page`; returns whether it was clear before.
pub(super) fn set(bits: &mut [u64], page: usize) -> bool {
    match bits.get_mut(page / 64) {
        Some(w) => {
            let bit = 1u64 << (page % 64);
            let was_clear = *w & bit == 0;
            *w |= bit;
            was_clear
        }
        None => false,
    }
}

/// Number of set pages.
pub(super) fn count(bits: &[u64]) -> u64 {
    bits.iter().map(|w| u64::from(w.count_ones())).sum()
}

/// Mask of the bits of word `word` that fall inside pages `lo..hi`.
pub(super) fn range_mask(word: usize, lo: usize, hi: usize) -> u64 {
    let start = word * 64;
    let end = start + 64;
    if hi <= start || lo >= end {
        return 0;
    }
    let from = lo.max(start) - start;
    let to = hi.min(end) - start;
    let upper = if to == 64 { u64::MAX } else { (1u64 << to) - 1 };
    upper & !((1u64 << from) - 1)
}

/// Number of pages a geometric skip passes over before the next chosen page, when each
/// page is chosen with probability `p` (so the cost is the number chosen, not scanned).
fn geometric_gap(rng: &mut ChaCha8Rng, p: f64) -> usize {
    if p <= 0.0 {
        return usize::MAX;
    }
    if p >= 1.0 {
        return 0;
    }
    let u: f64 = 1.0 - rng.random::<f64>();
    let gap = (u.ln() / (-p).ln_1p()).floor();
    if gap.is_finite() && gap < 1e15 {
        gap as usize
    } else {
        usize::MAX
    }
}

/// Marks in `bits` the pages of `lo..lo + len` that `writes` uniform random writes touch.
///
/// Few writes (at most a sixteenth of the range) are drawn one by one, as the workload is
/// described. More writes would cost more draws than there are pages, so each page is
/// then touched independently with the probability those writes give it,
/// 1 − (1 − 1/len)^writes: the same mean per page, with a count whose spread differs from
/// the exact one by a negligible amount at these sizes. That keeps a round's cost at most
/// about one draw per 4 pages however fast the guest writes.
pub(super) fn touch(bits: &mut [u64], lo: usize, len: usize, writes: f64, rng: &mut ChaCha8Rng) {
    let hi = (lo + len).min(bits.len() * 64);
    if hi <= lo || writes.is_nan() || writes < 1.0 {
        return;
    }
    let len = hi - lo;
    let h = len as f64;
    if writes <= h / 16.0 {
        for _ in 0..writes as u64 {
            set(bits, lo + rng.random_range(0..len));
        }
        return;
    }
    // Probability that a page stays untouched; exact in floating point even when tiny.
    let untouched = if len == 1 {
        0.0
    } else {
        (writes * (-1.0 / h).ln_1p()).exp()
    };
    let first_word = lo / 64;
    let last_word = (hi - 1) / 64;
    if untouched <= 0.03 {
        // Nearly everything is touched: skip through the few untouched pages instead.
        let mut next_untouched = lo.saturating_add(geometric_gap(rng, untouched));
        for (w, word) in bits.iter_mut().enumerate().take(last_word + 1).skip(first_word) {
            let end = (w + 1) * 64;
            let mut spared = 0u64;
            while next_untouched < end.min(hi) {
                spared |= 1u64 << (next_untouched % 64);
                next_untouched = next_untouched
                    .saturating_add(1)
                    .saturating_add(geometric_gap(rng, untouched));
            }
            *word |= range_mask(w, lo, hi) & !spared;
        }
        return;
    }
    // Word at a time: 64 independent Bernoulli(p) bits built from the binary digits of p,
    // least significant first (an OR adds a half, an AND halves).
    let p = 1.0 - untouched;
    let scaled = (p * f64::from(1u32 << SLICE_BITS)).round() as u32;
    let lowest = scaled.trailing_zeros().min(SLICE_BITS);
    for (w, word) in bits.iter_mut().enumerate().take(last_word + 1).skip(first_word) {
        let mut m = 0u64;
        for digit in lowest..SLICE_BITS {
            let r = rng.next_u64();
            m = if scaled >> digit & 1 == 1 { m | r } else { m & r };
        }
        if scaled >= 1u32 << SLICE_BITS {
            m = u64::MAX;
        }
        *word |= m & range_mask(w, lo, hi);
    }
}

/// A well-mixed 64-bit hash (splitmix64), for per-page draws that must not use the RNG.
pub(super) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn expected_distinct(len: usize, writes: f64) -> f64 {
        len as f64 * (1.0 - (1.0 - 1.0 / len as f64).powf(writes))
    }

    #[test]
    fn full_bitmap_counts_exactly_its_pages() {
        for pages in [1, 63, 64, 65, 1000] {
            assert_eq!(count(&full_bitmap(pages)), pages as u64);
        }
    }

    #[test]
    fn range_mask_covers_exactly_the_range() {
        let mut total = 0;
        for w in 0..4 {
            total += range_mask(w, 10, 200).count_ones();
        }
        assert_eq!(total, 190);
        assert_eq!(range_mask(1, 0, 64), 0);
    }

    #[test]
    fn all_three_samplers_match_the_occupancy_mean_and_stay_in_range() {
        // Writes per page of 0.05 (one by one), 1.0 (word sampler), 5.0 (skip sampler).
        let len = 200_000;
        let lo = 1_000;
        for writes_per_page in [0.05, 1.0, 5.0] {
            let writes = writes_per_page * len as f64;
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let mut bits = new_bitmap(lo + len + 1_000);
            touch(&mut bits, lo, len, writes, &mut rng);
            let got = count(&bits) as f64;
            let want = expected_distinct(len, writes);
            // Standard deviation is below sqrt(len)/2 ≈ 224 pages; allow 5 of them.
            assert!(
                (got - want).abs() < 1_200.0,
                "{writes_per_page}: got {got}, want {want}"
            );
            assert!((0..lo).all(|p| !get(&bits, p)));
            assert!((lo + len..lo + len + 1_000).all(|p| !get(&bits, p)));
        }
    }
}
