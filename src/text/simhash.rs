//! Near-duplicate detection: wire copies and lightly edited reprints.
//!
//! Each article's body gets a 64-bit SimHash over its 4-word shingles
//! (Charikar; Manku et al. use the same setup for web pages). Two articles
//! whose hashes differ in at most [`MAX_DISTANCE`] bits are near-duplicates.
//! By the pigeonhole principle such a pair agrees exactly on at least one of
//! the four 16-bit [`bands`] of the hash, so the index stores the bands as
//! terms and finds candidates with term lookups instead of comparing all
//! pairs.

use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::hash::Hasher;

/// Bits two near-duplicates may differ in.
pub const MAX_DISTANCE: u32 = 3;
/// Words per shingle.
const SHINGLE: usize = 4;
/// Bodies with fewer words are not fingerprinted: short texts (headlines,
/// one-line briefs) collide by accident.
pub const MIN_WORDS: usize = 40;

/// The SimHash of a body, or `None` when it is too short to say.
pub fn simhash(body: &str) -> Option<u64> {
    // Borrowed unless a word has capitals: no allocation for most words.
    let words: Vec<Cow<'_, str>> = body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut sums = [0i32; 64];
    for w in words.windows(SHINGLE) {
        let mut h = FxHasher::default();
        for word in w {
            h.write(word.as_bytes());
            h.write_u8(0xff);
        }
        let bits = mix(h.finish());
        // Branch-free, so that it vectorises.
        for (i, s) in sums.iter_mut().enumerate() {
            *s += ((bits >> i & 1) as i32) * 2 - 1;
        }
    }
    Some(
        sums.iter()
            .enumerate()
            .filter(|(_, &s)| s > 0)
            .fold(0u64, |acc, (i, _)| acc | 1 << i),
    )
}

/// SplitMix64's finaliser: FxHash's bits are not uniform enough on their
/// own for SimHash, which needs every bit to be a fair coin.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// The four 16-bit bands of a hash, tagged with their position so that equal
/// values in different bands do not meet.
pub fn bands(hash: u64) -> [u64; 4] {
    std::array::from_fn(|i| ((i as u64) << 16) | (hash >> (16 * i) & 0xffff))
}

/// Are two hashes near-duplicates?
pub fn near(a: u64, b: u64) -> bool {
    (a ^ b).count_ones() <= MAX_DISTANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str =
        "North Korea fired a ballistic missile into the sea off its east coast on Wednesday, \
        South Korea's military said, the latest in a series of launches this year. The missile flew about \
        600 km before landing outside Japan's exclusive economic zone, Japan's defence ministry said. \
        Leader Kim Jong Un has vowed to expand the country's nuclear arsenal, and the United States and \
        its allies have condemned the tests as violations of United Nations resolutions.";

    const OTHER: &str =
        "Oil prices rose on Tuesday after OPEC members agreed to extend output cuts into next \
        year, traders said, while a stronger dollar and rising U.S. inventories capped gains. Brent crude \
        futures settled up 1.2 percent at 84 dollars a barrel and U.S. West Texas Intermediate gained 90 \
        cents, the biggest daily rise in two weeks, as analysts cut forecasts for supply growth.";

    #[test]
    fn copies_and_light_edits_are_near_unrelated_text_is_not() {
        // A wire story, and a reprint re-flowed, in other case and
        // punctuation: the same words, the same hash.
        let story = format!("{STORY} {OTHER}");
        let a = simhash(&story).unwrap();
        let reprint = story.to_uppercase().replace(", ", " -- ").replace(". ", ".\n\n");
        assert_eq!(simhash(&reprint), Some(a));
        // Small edits move a few bits; how many depends on the length (one
        // changed word alters 4 of the shingles).
        let edited = story.replace("Wednesday", "Thursday");
        let b = simhash(&edited).unwrap();
        assert!((a ^ b).count_ones() <= 8, "distance {}", (a ^ b).count_ones());
        assert_eq!(simhash(&story), Some(a), "deterministic");
        let c = simhash(OTHER).unwrap();
        let d = simhash(STORY).unwrap();
        assert!(!near(c, d), "distance {}", (c ^ d).count_ones());
        assert_eq!(simhash("too short to fingerprint"), None);
    }

    /// The fingerprint as first written: indexes store it, so a faster
    /// version must give the very same bits.
    fn reference(body: &str) -> Option<u64> {
        let words: Vec<String> = body
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() < MIN_WORDS {
            return None;
        }
        let mut sums = [0i32; 64];
        for w in words.windows(SHINGLE) {
            let mut h = FxHasher::default();
            for word in w {
                h.write(word.as_bytes());
                h.write_u8(0xff);
            }
            let bits = mix(h.finish());
            for (i, s) in sums.iter_mut().enumerate() {
                *s += if bits >> i & 1 == 1 { 1 } else { -1 };
            }
        }
        Some(
            sums.iter()
                .enumerate()
                .filter(|(_, &s)| s > 0)
                .fold(0u64, |acc, (i, _)| acc | 1 << i),
        )
    }

    #[test]
    fn fingerprints_are_stable() {
        let accented = format!("{STORY} Ünïcode WORDS, İstanbul and ΑΘΗΝΑ stay stable.");
        for text in [STORY, accented.as_str(), "too short"] {
            assert_eq!(simhash(text), reference(text), "{text}");
        }
        assert!(simhash(STORY).is_some());
    }

    #[test]
    fn near_pairs_share_a_band() {
        let a = 0x0123_4567_89ab_cdef_u64;
        for flips in [0b111u64, 1 << 5 | 1 << 21 | 1 << 40, 1 << 63 | 1] {
            let b = a ^ flips;
            assert!(near(a, b));
            assert!(bands(a).iter().any(|x| bands(b).contains(x)));
        }
        assert!(!near(a, a ^ 0b1111));
    }
}
