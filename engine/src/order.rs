//! Stable sorting with one compiled copy.
//!
//! `slice::sort_by` compiles its whole driftsort (about 3 KB of WebAssembly) once
//! per element type and comparator, and the browser bundle sorted half a dozen
//! kinds of things. [`sort_by`] gives the same order — stable: equal elements
//! keep their order — from one non-generic merge sort over indices. For the
//! short lists a page sorts (marks, moments, table rows); not for hot paths.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably, like `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = v;
        stable_order(items.len(), &|i, j| cmp(&items[i], &items[j]))
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// The indices `0..n` in the order `cmp` puts them, equal ones in index order.
#[inline(never)]
fn stable_order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b = a.clone();
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut b[lo..hi] {
                // Take from the right run only when strictly smaller: stable.
                if j < hi && (i >= mid || cmp(a[j], a[i]) == Ordering::Less) {
                    *slot = a[j];
                    j += 1;
                } else {
                    *slot = a[i];
                    i += 1;
                }
            }
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in 0..70 {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = v;
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "len {len}");
        }
    }
}
