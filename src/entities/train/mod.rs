//! Training the tagger (feature `train`): CoNLL reading, fitting, word
//! clusters and scoring. Nothing at run time imports this; it builds on the
//! tagger's parts.

pub mod clusters;
mod conll;
mod eval;
mod fit;

pub use clusters::{word_clusters, ClusterParams};
pub use conll::read_conll;
pub use eval::{evaluate, Scores};
pub use fit::capitalisation_table;
