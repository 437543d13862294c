//! The logical layer: plan nodes, the optimizer, pull evaluation of regions, and the text
//! rendering of plans (`explain`).

pub mod eval;
pub mod explain;
pub mod node;
pub mod optimize;
