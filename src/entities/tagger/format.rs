//! The model file (`NDXP4`): quantised weights by sorted feature key, then
//! the word tables, gzip-compressed. Reading is run time; writing is
//! training's (feature `train`).

use std::io::Read;
#[cfg(feature = "train")]
use std::io::Write;

use nohash_hasher::IntMap;

use super::lexicon::{Lexicon, WordTable};
use super::model::{next_model_id, Perceptron};
use super::tags::N;

impl Perceptron {
    /// Writes the model compactly: features whose weights are all below
    /// `prune` in magnitude are dropped; weights are quantised to i16 with
    /// one scale; the whole is gzip-compressed.
    #[cfg(feature = "train")]
    pub fn save(&self, out: impl Write, prune: f32) -> std::io::Result<()> {
        let kept = |k: &u64| match self.weights.get(k) {
            Some(w) => w.iter().any(|v| v.abs() >= prune),
            None => self.packed[k]
                .iter()
                .any(|&q| (q as f32 * self.scale).abs() >= prune),
        };
        let mut keys: Vec<&u64> = self.packed.keys().filter(|k| kept(k)).collect();
        keys.sort();
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        gz.write_all(MAGIC)?;
        gz.write_all(&self.scale.to_le_bytes())?;
        gz.write_all(&(keys.len() as u64).to_le_bytes())?;
        let mut last = 0u64;
        for k in keys {
            // Sorted keys: store deltas, which compress better.
            gz.write_all(&(k.wrapping_sub(last)).to_le_bytes())?;
            last = *k;
            for q in self.packed[k] {
                gz.write_all(&q.to_le_bytes())?;
            }
        }
        // Word tables: length-prefixed word, then its value bytes.
        let mut caps: Vec<(&String, [u8; 1])> = self.lex.caps.iter().map(|(w, b)| (w, [*b])).collect();
        let mut clusters: Vec<(&String, [u8; 4])> = self
            .lex
            .clusters
            .iter()
            .map(|(w, (f, c))| {
                let (f, c) = (f.to_le_bytes(), c.to_le_bytes());
                (w, [f[0], f[1], c[0], c[1]])
            })
            .collect();
        let mut gazetteer: Vec<(&String, [u8; 1])> =
            self.lex.gazetteer.iter().map(|(w, b)| (w, [*b])).collect();
        write_table(&mut gz, &mut caps)?;
        write_table(&mut gz, &mut clusters)?;
        write_table(&mut gz, &mut gazetteer)?;
        gz.finish()?;
        Ok(())
    }

    /// Reads a model written by [`Perceptron::save`].
    pub fn load(input: impl Read) -> std::io::Result<Perceptron> {
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        let mut gz = flate2::read::GzDecoder::new(input);
        let mut buf = Vec::new();
        gz.read_to_end(&mut buf)?;
        if buf.len() < 17 || &buf[..5] != MAGIC {
            return Err(bad("not a newsdex tagger model"));
        }
        let scale = f32::from_le_bytes(buf[5..9].try_into().expect("4 bytes"));
        let n = u64::from_le_bytes(buf[9..17].try_into().expect("8 bytes")) as usize;
        let rec = 8 + 2 * N;
        let end = 17 + n * rec;
        if buf.len() < end + 8 {
            return Err(bad("truncated tagger model"));
        }
        let mut packed = IntMap::with_capacity_and_hasher(n, Default::default());
        let mut last = 0u64;
        for r in buf[17..end].chunks_exact(rec) {
            let key = last.wrapping_add(u64::from_le_bytes(r[..8].try_into().expect("8 bytes")));
            last = key;
            let mut w = [0i16; N];
            for (t, c) in r[8..].chunks_exact(2).enumerate() {
                w[t] = i16::from_le_bytes([c[0], c[1]]);
            }
            packed.insert(key, w);
        }
        let mut at = end;
        let caps = read_table::<1>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| (w, b[0]))
            .collect();
        let clusters = read_table::<4>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| {
                (
                    w,
                    (u16::from_le_bytes([b[0], b[1]]), u16::from_le_bytes([b[2], b[3]])),
                )
            })
            .collect();
        let gazetteer = read_table::<1>(&buf, &mut at)?
            .into_iter()
            .map(|(w, b)| (w, b[0]))
            .collect();
        let lex = Lexicon {
            caps,
            clusters,
            gazetteer,
        };
        Ok(Perceptron {
            weights: IntMap::default(),
            packed,
            scale,
            table: WordTable::new(&lex),
            lex,
            id: next_model_id(),
        })
    }
}

/// Model file signature and version.
pub(crate) const MAGIC: &[u8; 5] = b"NDXP4";

/// Writes a word table sorted by word (words of 256 bytes or more, which
/// are not words, are left out).
#[cfg(feature = "train")]
pub(crate) fn write_table<const K: usize>(
    out: &mut impl Write,
    rows: &mut Vec<(&String, [u8; K])>,
) -> std::io::Result<()> {
    rows.retain(|(w, _)| w.len() < 256);
    rows.sort();
    out.write_all(&(rows.len() as u64).to_le_bytes())?;
    for (w, v) in rows.iter() {
        out.write_all(&[w.len() as u8])?;
        out.write_all(w.as_bytes())?;
        out.write_all(v)?;
    }
    Ok(())
}

/// Reads a table written by [`write_table`] from `buf` at `at`.
pub(crate) fn read_table<const K: usize>(
    buf: &[u8],
    at: &mut usize,
) -> std::io::Result<Vec<(String, [u8; K])>> {
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "truncated tagger model");
    let n = buf.get(*at..*at + 8).ok_or_else(bad)?;
    let n = u64::from_le_bytes(n.try_into().expect("8 bytes")) as usize;
    *at += 8;
    let mut out = Vec::with_capacity(n.min(buf.len()));
    for _ in 0..n {
        let len = *buf.get(*at).ok_or_else(bad)? as usize;
        let word = buf.get(*at + 1..*at + 1 + len).ok_or_else(bad)?;
        let v = buf.get(*at + 1 + len..*at + 1 + len + K).ok_or_else(bad)?;
        out.push((
            String::from_utf8_lossy(word).into_owned(),
            v.try_into().expect("K bytes"),
        ));
        *at += 1 + len + K;
    }
    Ok(out)
}
