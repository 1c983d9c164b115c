//! Go 1.19's `sort.Sort` (pattern-defeating quicksort), which etcd 3.4.23 (built with Go 1.19.8)
//! uses to sort Range results by version, create/mod revision or value.
//!
//! `sort.Sort` is not stable, so when two keys tie (say, both at version 1) their order in the
//! response is whatever this exact algorithm leaves. Up to 12 elements it is an insertion sort,
//! which keeps ties in key order; above that the quicksort partitioning can swap them. Porting the
//! algorithm step by step is the only way to return the same order as a real etcd.

/// Sorts `data` with Go's `sort.Sort` using the strict "less than" `less`.
pub(crate) fn sort<T>(data: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    let length = data.len();
    if length <= 1 {
        return;
    }
    let limit = bit_length(length);
    pdqsort(data, less, 0, length, limit);
}

fn bit_length(value: usize) -> usize {
    (usize::BITS - value.leading_zeros()) as usize
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortedHint {
    Unknown,
    Increasing,
    Decreasing,
}

fn is_less<T>(data: &[T], less: &dyn Fn(&T, &T) -> bool, i: usize, j: usize) -> bool {
    less(&data[i], &data[j])
}

fn insertion_sort<T>(data: &mut [T], less: &dyn Fn(&T, &T) -> bool, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && is_less(data, less, j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sift_down<T>(data: &mut [T], less: &dyn Fn(&T, &T) -> bool, lo: usize, hi: usize, first: usize) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && is_less(data, less, first + child, first + child + 1) {
            child += 1;
        }
        if !is_less(data, less, first + root, first + child) {
            return;
        }
        data.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort<T>(data: &mut [T], less: &dyn Fn(&T, &T) -> bool, a: usize, b: usize) {
    let first = a;
    let lo = 0;
    let hi = b - a;
    let mut i = (hi as isize - 1) / 2;
    while i >= 0 {
        sift_down(data, less, i as usize, hi, first);
        i -= 1;
    }
    let mut i = hi as isize - 1;
    while i >= 0 {
        data.swap(first, first + i as usize);
        sift_down(data, less, lo, i as usize, first);
        i -= 1;
    }
}

fn pdqsort<T>(
    data: &mut [T],
    less: &dyn Fn(&T, &T) -> bool,
    mut a: usize,
    mut b: usize,
    mut limit: usize,
) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(data, less, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(data, less, a, b);
            return;
        }
        if !was_balanced {
            break_patterns(data, a, b);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(data, less, a, b);
        if hint == SortedHint::Decreasing {
            reverse_range(data, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = SortedHint::Increasing;
        }
        if was_balanced
            && was_partitioned
            && hint == SortedHint::Increasing
            && partial_insertion_sort(data, less, a, b)
        {
            return;
        }
        if a > 0 && !is_less(data, less, a - 1, pivot) {
            let middle = partition_equal(data, less, a, b, pivot);
            a = middle;
            continue;
        }
        let (middle, already_partitioned) = partition(data, less, a, b, pivot);
        was_partitioned = already_partitioned;
        let (left_length, right_length) = (middle - a, b - middle);
        let balance_threshold = length / 8;
        if left_length < right_length {
            was_balanced = left_length >= balance_threshold;
            pdqsort(data, less, a, middle, limit);
            a = middle + 1;
        } else {
            was_balanced = right_length >= balance_threshold;
            pdqsort(data, less, middle + 1, b, limit);
            b = middle;
        }
    }
}

fn partition<T>(
    data: &mut [T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
    pivot: usize,
) -> (usize, bool) {
    data.swap(a, pivot);
    // i and j are inclusive bounds of what is left to partition; j can reach a (never below).
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    while i <= j && is_less(data, less, i as usize, a) {
        i += 1;
    }
    while i <= j && !is_less(data, less, j as usize, a) {
        j -= 1;
    }
    if i > j {
        data.swap(j as usize, a);
        return (j as usize, true);
    }
    data.swap(i as usize, j as usize);
    i += 1;
    j -= 1;
    loop {
        while i <= j && is_less(data, less, i as usize, a) {
            i += 1;
        }
        while i <= j && !is_less(data, less, j as usize, a) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    data.swap(j as usize, a);
    (j as usize, false)
}

fn partition_equal<T>(
    data: &mut [T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
    pivot: usize,
) -> usize {
    data.swap(a, pivot);
    let (mut i, mut j) = (a as isize + 1, b as isize - 1);
    loop {
        while i <= j && !is_less(data, less, a, i as usize) {
            i += 1;
        }
        while i <= j && is_less(data, less, a, j as usize) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    i as usize
}

fn partial_insertion_sort<T>(
    data: &mut [T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !is_less(data, less, i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        data.swap(i, i - 1);
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !is_less(data, less, j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !is_less(data, less, j, j - 1) {
                    break;
                }
                data.swap(j, j - 1);
                j += 1;
            }
        }
    }
    false
}

fn break_patterns<T>(data: &mut [T], a: usize, b: usize) {
    let length = b - a;
    if length >= 8 {
        // Go 1.19's xorshift, seeded with the length: deterministic.
        let mut random = length as u64;
        let modulus = 1usize << bit_length(length);
        let start = a + (length / 4) * 2 - 1;
        for index in start..=start + 2 {
            random ^= random << 13;
            random ^= random >> 17;
            random ^= random << 5;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            data.swap(index, a + other);
        }
    }
}

fn choose_pivot<T>(
    data: &[T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
) -> (usize, SortedHint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let length = b - a;
    let mut swaps = 0usize;
    let mut i = a + length / 4;
    let mut j = a + length / 4 * 2;
    let mut k = a + length / 4 * 3;
    if length >= 8 {
        if length >= SHORTEST_NINTHER {
            i = median(data, less, i - 1, i, i + 1, &mut swaps);
            j = median(data, less, j - 1, j, j + 1, &mut swaps);
            k = median(data, less, k - 1, k, k + 1, &mut swaps);
        }
        j = median(data, less, i, j, k, &mut swaps);
    }
    match swaps {
        0 => (j, SortedHint::Increasing),
        MAX_SWAPS => (j, SortedHint::Decreasing),
        _ => (j, SortedHint::Unknown),
    }
}

fn order2<T>(
    data: &[T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
    swaps: &mut usize,
) -> (usize, usize) {
    if is_less(data, less, b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median<T>(
    data: &[T],
    less: &dyn Fn(&T, &T) -> bool,
    a: usize,
    b: usize,
    c: usize,
    swaps: &mut usize,
) -> usize {
    let (a, b) = order2(data, less, a, b, swaps);
    let (b, c) = order2(data, less, b, c, swaps);
    let _ = c;
    let (_a, b) = order2(data, less, a, b, swaps);
    b
}

fn reverse_range<T>(data: &mut [T], a: usize, b: usize) {
    data[a..b].reverse();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_five_hundred_elements_with_many_ties_puts_them_in_order() {
        let mut values: Vec<(u32, u32)> = (0..500u32)
            .map(|index| ((index * 7919) % 13, index))
            .collect();
        sort(&mut values, &|a, b| a.0 < b.0);
        for pair in values.windows(2) {
            assert!(pair[0].0 <= pair[1].0);
        }
        assert_eq!(values.len(), 500);
    }

    #[test]
    fn up_to_twelve_elements_keep_ties_in_their_original_order() {
        let mut values: Vec<(u32, u32)> = (0..12u32).map(|index| (index % 2, index)).collect();
        sort(&mut values, &|a, b| a.0 < b.0);
        assert_eq!(
            values.iter().map(|value| value.1).collect::<Vec<_>>(),
            vec![0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]
        );
    }
}
