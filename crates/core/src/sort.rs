//! One stable sort for the whole page.
//!
//! `slice::sort_by` is generic: every element type and comparator it is called
//! with gets its own copy of the standard library's driftsort, about 3.5 KB of
//! wasm each. [`sort_by`] sorts the positions `0..len` instead (one copy of the
//! sort, on `usize`, comparing through a `dyn` call) and then moves the
//! elements into that order by swaps. The result is the same as
//! `slice::sort_by`: stable, so equal elements keep their order.
//!
//! ```
//! use playground_core::sort::{sort, sort_by, sort_by_key};
//!
//! let mut pairs = vec![(2, "b"), (1, "z"), (2, "a"), (1, "y")];
//! sort_by_key(&mut pairs, |pair| pair.0);
//! assert_eq!(pairs, [(1, "z"), (1, "y"), (2, "b"), (2, "a")]); // stable
//! sort_by(&mut pairs, |left, right| right.1.cmp(left.1));
//! assert_eq!(pairs, [(1, "z"), (1, "y"), (2, "b"), (2, "a")]);
//! let mut words = vec!["pear", "apple", "fig"];
//! sort(&mut words);
//! assert_eq!(words, ["apple", "fig", "pear"]);
//! ```

use std::cmp::Ordering;

/// Sorts `items` stably by `compare` (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &mut |left, right| compare(&items[left], &items[right]));
    permute(order, &mut |left, right| items.swap(left, right));
}

/// Sorts `items` stably by the key `key` gives (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |left, right| key(left).cmp(&key(right)));
}

/// Sorts `items` stably in their own order (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` puts the elements there.
#[inline(never)]
fn stable_order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&left, &right| compare(left, right));
    order
}

/// Moves the element at `order[k]` to position `k` for every `k`, one cycle of
/// the permutation at a time (`order[k] == k` marks a position already done).
#[inline(never)]
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let next = order[at];
            swap(at, next);
            order[at] = at;
            at = next;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no dependency.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn sorting_gives_exactly_what_the_standard_stable_sort_gives() {
        let mut state = 42;
        for length in 0..200 {
            // Few distinct keys, so stability is exercised; the index tells equal keys apart.
            let items: Vec<(u64, usize)> = (0..length).map(|index| (next(&mut state) % 7, index)).collect();
            let mut ours = items.clone();
            let mut standard = items.clone();
            sort_by_key(&mut ours, |item| item.0);
            standard.sort_by_key(|item| item.0);
            assert_eq!(ours, standard, "length {length}");
            let mut ours = items.clone();
            let mut standard = items;
            sort(&mut ours);
            standard.sort();
            assert_eq!(ours, standard);
        }
    }
}
