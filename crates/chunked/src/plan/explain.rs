//! Plans as text: the tree of operations with dtype, shape and chunks on every line.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::plan::node::NodeRef;

/// Render a plan as an indented tree. Every node is numbered `#1`, `#2`, … in the order it is
/// first printed (node ids are unique in the process but not readable); nodes seen before
/// (shared subexpressions) are printed once and referred to by their number afterwards.
pub fn tree(roots: &[NodeRef]) -> String {
    let mut out = String::new();
    let mut seen = HashMap::new();
    for r in roots {
        walk(r, "", true, true, &mut seen, &mut out);
    }
    out
}

fn walk(n: &NodeRef, prefix: &str, last: bool, root: bool, seen: &mut HashMap<u64, usize>, out: &mut String) {
    let branch = if root {
        ""
    } else if last {
        "└─ "
    } else {
        "├─ "
    };
    let shape: Vec<String> = n.shape.iter().map(ToString::to_string).collect();
    let next = seen.len() + 1;
    let again = seen.contains_key(&n.id);
    let number = *seen.entry(n.id).or_insert(next);
    let _ = writeln!(
        out,
        "{prefix}{branch}{} #{}{}  {} ({})  chunks {}",
        n.label(),
        number,
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

#[cfg(test)]
mod tests {
    use crate::BinaryOp;
    use crate::array::ChunkedArray;

    #[test]
    fn nodes_are_numbered_in_print_order_and_shared_ones_referred_to() {
        let a = ChunkedArray::from_array(ndarray::ArrayD::<f64>::zeros(ndarray::IxDyn(&[4])), &[2]).unwrap();
        let b = a.scalar(BinaryOp::Add, 1.0);
        let c = b.binary(BinaryOp::Mul, &b).unwrap(); // b used twice: printed once
        let text = super::tree(std::slice::from_ref(&c.node));
        let numbers: Vec<&str> =
            text.lines().map(|l| l.split_whitespace().find(|w| w.starts_with('#')).unwrap()).collect();
        assert_eq!(numbers, ["#1", "#2", "#3", "#2"], "{text}");
        assert!(text.lines().nth(3).unwrap().contains("(shared, see above)"), "{text}");
        // Ids stay unique in the process: a new plan never reuses one.
        let d = a.scalar(BinaryOp::Add, 1.0);
        assert_ne!(d.node.id, b.node.id);
    }
}
