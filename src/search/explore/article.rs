//! One whole article by its id.

use tantivy::TantivyDocument;

use crate::article::Article;
use crate::error::{Error, Result};
use crate::index::document;
use crate::index::NewsIndex;

impl NewsIndex {
    /// The whole article with this id.
    pub fn article(&self, id: &str) -> Result<Article> {
        let searcher = self.searcher();
        let addr = self.address_of(&searcher, id)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(Error::tantivy(self.path()))?;
        Ok(document::from_document(self.fields(), &doc))
    }
}
