//! Plans as text: the tree of operations with dtype, shape and chunks on every line.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::plan::node::NodeRef;

/// Render a plan as an indented tree. Nodes seen before (shared subexpressions) are printed
/// once and referred to by `#id` afterwards.
pub fn tree(roots: &[NodeRef]) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    for r in roots {
        walk(r, "", true, true, &mut seen, &mut out);
    }
    out
}

fn walk(n: &NodeRef, prefix: &str, last: bool, root: bool, seen: &mut HashSet<u64>, out: &mut String) {
    let branch = if root {
        ""
    } else if last {
        "└─ "
    } else {
        "├─ "
    };
    let shape: Vec<String> = n.shape.iter().map(ToString::to_string).collect();
    let again = !seen.insert(n.id);
    let _ = writeln!(
        out,
        "{prefix}{branch}{} #{}{}  {} ({})  chunks {}",
        n.label(),
        n.id,
        if again { " (shared, see above)" } else { "" },
        n.dtype,
        shape.join(", "),
        n.chunks
    );
    if again {
        return;
    }
    let child_prefix = if root { String::new() } else { format!("{prefix}{}", if last { "   " } else { "│  " }) };
    let inputs = n.inputs();
    let k = inputs.len();
    for (i, x) in inputs.into_iter().enumerate() {
        walk(x, &child_prefix, i + 1 == k, false, seen, out);
    }
}
