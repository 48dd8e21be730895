//! The analyzer of title and body: tantivy's `en_stem` (words, at most 40
//! bytes, lower-cased, English Snowball stems) with a memo in front of the
//! stemmer.
//!
//! News text repeats its vocabulary, and stemming every token again was
//! about a tenth of indexing's CPU (a perf profile of the Reuters 2006–2013
//! build). A hash lookup of a short word costs much less than running the
//! Snowball algorithm on it. The stems are tantivy's own (a miss runs its
//! `Stemmer`), so indexes stay compatible and queries analyse the same way.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// Most words a memo holds; it starts over beyond (a few MB per indexing
/// thread and field, and news vocabulary's frequent words fit well within).
const MEMO_MAX: usize = 50_000;

/// `en_stem`, with the stemmer's results remembered.
pub fn en_stem() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .build()
}

/// tantivy's English stemmer alone, on one word.
pub fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// A token filter that stems like tantivy's English [`Stemmer`], remembering
/// each word's stem.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner,
            memo: Memo::default(),
        }
    }
}

pub struct MemoStemmerFilter<T> {
    inner: T,
    memo: Memo,
}

/// Word → stem, owned by one tokenizer: tantivy gives each indexing thread
/// its own clone, so there is no lock.
struct Memo {
    stems: FxHashMap<Box<str>, Box<str>>,
    stemmer: TextAnalyzer,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            stems: FxHashMap::default(),
            stemmer: stemmer(),
        }
    }
}

impl<T: Tokenizer> Clone for MemoStemmerFilter<T> {
    /// A clone starts with an empty memo: copying a full one would cost
    /// more than it saves, and the analyzers tantivy clones are fresh.
    fn clone(&self) -> Self {
        MemoStemmerFilter {
            inner: self.inner.clone(),
            memo: Memo::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

pub struct MemoStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut Memo,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.memo.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let mut stem = String::new();
        let mut one = self.memo.stemmer.token_stream(&token.text);
        if one.advance() {
            stem.push_str(&one.token().text);
        }
        drop(one);
        if self.memo.stems.len() >= MEMO_MAX {
            self.memo.stems.clear();
        }
        let word = std::mem::replace(&mut token.text, stem);
        self.memo
            .stems
            .insert(word.into_boxed_str(), token.text.as_str().into());
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn tantivy_en_stem() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    #[test]
    fn remembered_stems_are_tantivys() {
        let text =
            "Dying skies: North Korea's MISSILES were tested, says U.S. envoy; naïve Café-goers flee. \
                    Missiles, missile, tested and testing: the missiles were tested again by dying envoys.";
        let mut memo = en_stem();
        let expected = tokens(&mut tantivy_en_stem(), text);
        // The second and third runs are answered from the memo.
        for _ in 0..3 {
            assert_eq!(tokens(&mut memo, text), expected);
        }
    }

    #[test]
    fn a_full_memo_starts_over_and_stays_right() {
        let words: Vec<String> = (0..MEMO_MAX + 10).map(|i| format!("running{i}s")).collect();
        let text = words.join(" ");
        let mut memo = en_stem();
        let expected = tokens(&mut tantivy_en_stem(), &text);
        assert_eq!(tokens(&mut memo, &text), expected);
        assert_eq!(tokens(&mut memo, &text), expected);
    }
}
