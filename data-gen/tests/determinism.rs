//! The bytes depend only on the seed and the configuration.

mod common;

use common::{files, read_f32, read_i64, small};
use cumulus_data_gen::{generate, store_name};
use indicatif::ProgressBar;

#[test]
fn bytes_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut one = small(&dir.path().join("one"), 2);
    one.threads = Some(1);
    let mut three = small(&dir.path().join("three"), 2);
    three.threads = Some(3);
    generate(&one, &ProgressBar::hidden()).unwrap();
    generate(&three, &ProgressBar::hidden()).unwrap();
    let a = one.store_path(2019);
    let b = three.store_path(2019);
    let names = files(&a);
    assert_eq!(names, files(&b));
    assert!(names.len() > 100, "expected many chunk files, got {}", names.len());
    for name in &names {
        assert_eq!(std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap(), "{}", name.display());
    }
}

#[test]
fn the_first_days_do_not_depend_on_the_last_day() {
    let dir = tempfile::tempdir().unwrap();
    let short = small(&dir.path().join("short"), 2);
    let long = small(&dir.path().join("long"), 3);
    generate(&short, &ProgressBar::hidden()).unwrap();
    generate(&long, &ProgressBar::hidden()).unwrap();
    let (a, b) = (short.store_path(2019), long.store_path(2019));
    // Time chunks are 24 h: every chunk file of the short store is in the long one, identical.
    let mut compared = 0;
    for name in files(&a) {
        let top = name.iter().next().unwrap().to_string_lossy().into_owned();
        if name.file_name().unwrap().to_string_lossy().starts_with('.') || top == "time" {
            continue;
        }
        assert_eq!(std::fs::read(a.join(&name)).unwrap(), std::fs::read(b.join(&name)).unwrap(), "{}", name.display());
        compared += 1;
    }
    assert!(compared > 100);
    let (ta, tb) = (read_i64(&a, "time"), read_i64(&b, "time"));
    assert_eq!(ta[..], tb[..48]);
}

#[test]
fn a_coarser_grid_is_a_subset_of_a_finer_one() {
    let dir = tempfile::tempdir().unwrap();
    let coarse = small(&dir.path().join("coarse"), 1);
    let mut fine = small(&dir.path().join("fine"), 1);
    fine.step = 2.5;
    generate(&coarse, &ProgressBar::hidden()).unwrap();
    generate(&fine, &ProgressBar::hidden()).unwrap();
    let (a, b) = (coarse.out.join(store_name(2019)), fine.out.join(store_name(2019)));
    for var in ["temperature", "total_precipitation", "k_index"] {
        let (sa, va) = read_f32(&a, var);
        let (sb, vb) = read_f32(&b, var);
        let (nya, nxa, nyb, nxb) = (sa[sa.len() - 2], sa[sa.len() - 1], sb[sb.len() - 2], sb[sb.len() - 1]);
        assert_eq!((nya, nxa, nyb, nxb), (7, 9, 13, 17));
        let outer = (va.len() as u64 / (nya * nxa)) as usize;
        for o in 0..outer {
            for i in 0..nya as usize {
                for j in 0..nxa as usize {
                    let x = va[(o * nya as usize + i) * nxa as usize + j];
                    let y = vb[(o * nyb as usize + 2 * i) * nxb as usize + 2 * j];
                    assert_eq!(x.to_bits(), y.to_bits(), "{var} at outer {o}, lat {i}, lon {j}");
                }
            }
        }
    }
}

#[test]
fn another_seed_gives_other_values() {
    let dir = tempfile::tempdir().unwrap();
    let a = small(&dir.path().join("a"), 1);
    let mut b = small(&dir.path().join("b"), 1);
    b.seed += 1;
    generate(&a, &ProgressBar::hidden()).unwrap();
    generate(&b, &ProgressBar::hidden()).unwrap();
    let (_, va) = read_f32(&a.store_path(2019), "temperature");
    let (_, vb) = read_f32(&b.store_path(2019), "temperature");
    let same = va.iter().zip(&vb).filter(|(x, y)| x == y).count();
    assert!(same < va.len() / 100, "{same} of {} values equal", va.len());
}
