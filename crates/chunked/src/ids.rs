//! Ids that stay unique in the process: plan nodes, computes and subscriptions.
//!
//! The optimizer and the evaluator key their memos by node id, and the dashboard tells computes
//! apart by compute id, so two live things must never share one. A plain counter is not enough:
//! an evcxr notebook links its own copy of this crate into every cell, each copy with its own
//! statics, and cells pass plans and dashboards to one another. So each copy counts from its
//! own random base. Ids stay below 2^53, so they survive a trip through JSON to JavaScript
//! (whose numbers are doubles) exactly.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Ids are below this (2^53: every integer below it is an exact `f64`).
pub const ID_LIMIT: u64 = 1 << 53;

/// How many ids one copy of the crate can hand out before it wraps (2^32); the bases of two
/// copies are random multiples of this, so their ranges overlap with odds of one in 2^21.
const SPAN: u64 = 1 << 32;

static NEXT: AtomicU64 = AtomicU64::new(0);
static BASE: OnceLock<u64> = OnceLock::new();

/// A new id, unique in this process (see the module docs), below [`ID_LIMIT`].
pub fn unique_id() -> u64 {
    let base = *BASE.get_or_init(|| {
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        (random % (ID_LIMIT / SPAN)) * SPAN
    });
    base + NEXT.fetch_add(1, Ordering::Relaxed) % SPAN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_increasing_and_exact_as_f64() {
        let ids: Vec<u64> = (0..1000).map(|_| unique_id()).collect();
        let set: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(set.len(), ids.len());
        for id in &ids {
            assert!(*id < ID_LIMIT);
            assert_eq!(*id as f64 as u64, *id);
        }
    }
}
