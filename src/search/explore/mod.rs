//! Questions beyond a ranked list, one per file: how often over time
//! (timeline), who is in the news about X (associated entities), what else
//! is like this article (similar), which articles are copies of each other
//! (duplicates), and one whole article.

mod article;
mod associated;
mod duplicates;
pub(crate) mod export;
mod similar;
mod timeline;
