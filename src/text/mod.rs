//! Layer 0: text utilities that know nothing of articles or the index:
//! dates as news writes them, where sentences end, the parts of a wire
//! story that are not the story, and the near-duplicate fingerprint. Nothing here imports the rest of the crate.

pub mod anatomy;
pub mod dates;
pub(crate) mod sentences;
pub mod simhash;
