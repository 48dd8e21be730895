//! Every group of near-duplicate articles in the index (wire copies,
//! reprints), by union-find over pairs that share a SimHash band.

use std::collections::HashMap;

use tantivy::{DocAddress, TantivyDocument};

use crate::error::{Error, Result};
use crate::index::NewsIndex;
use crate::search::collapse::SimHashes;
use crate::search::hits::{first_text, ids};
use crate::search::response::DuplicateGroup;
use crate::text::simhash;

impl NewsIndex {
    /// Every group of near-duplicate articles in the index, largest first.
    pub fn duplicate_groups(&self) -> Result<Vec<DuplicateGroup>> {
        let searcher = self.searcher();
        let hashes = SimHashes::new(&searcher);
        let mut docs: Vec<(DocAddress, u64)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let addr = DocAddress::new(ord as u32, doc);
                if let Some(h) = hashes.get(addr) {
                    docs.push((addr, h));
                }
            }
        }
        // Union-find over pairs that share a band and are near.
        let mut parent: Vec<usize> = (0..docs.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut by_band: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, (_, h)) in docs.iter().enumerate() {
            for b in simhash::bands(*h) {
                by_band.entry(b).or_default().push(i);
            }
        }
        for members in by_band.values() {
            for (k, &i) in members.iter().enumerate() {
                for &j in &members[k + 1..] {
                    if simhash::near(docs[i].1, docs[j].1) {
                        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                        if ri != rj {
                            parent[ri.max(rj)] = ri.min(rj);
                        }
                    }
                }
            }
        }
        let mut groups: HashMap<usize, Vec<DocAddress>> = HashMap::new();
        for (i, (addr, _)) in docs.iter().enumerate() {
            let r = root(&mut parent, i);
            groups.entry(r).or_default().push(*addr);
        }
        let mut out = Vec::new();
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let ids = ids(self, &searcher, &members)?;
            let mut titles = Vec::with_capacity(members.len());
            for a in &members {
                let d: TantivyDocument = searcher.doc(*a).map_err(Error::tantivy(self.path()))?;
                titles.push(first_text(&d, self.fields().title).to_string());
            }
            out.push(DuplicateGroup { ids, titles });
        }
        out.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then_with(|| a.ids.cmp(&b.ids)));
        Ok(out)
    }
}
