//! Building length-limited canonical codes from symbol counts.

use super::{MAX_CODE_LEN, NUM_SYMBOLS};

/// Computes code lengths (at most [`MAX_CODE_LEN`]) for `freqs`.
///
/// Huffman's algorithm with two queues over the symbols sorted by count.
/// When the deepest code is too long, every count is halved (rounding up,
/// so used symbols stay used) and the tree rebuilt, as Windows' encoder
/// does. A single used symbol gets length 1; unused symbols length 0.
pub(crate) fn build_lengths(freqs: &[u32; NUM_SYMBOLS], lengths: &mut [u8; NUM_SYMBOLS]) {
    lengths.fill(0);
    // Fixed arrays: building a code allocates nothing.
    let mut used = [0u16; NUM_SYMBOLS];
    let mut n = 0;
    for (s, &f) in freqs.iter().enumerate() {
        if f > 0 {
            used[n] = s as u16;
            n += 1;
        }
    }
    let symbols = &mut used[..n];
    match symbols.len() {
        0 => return,
        1 => {
            lengths[usize::from(symbols[0])] = 1;
            return;
        }
        _ => {}
    }
    // The keys are distinct, so an unstable sort gives the one order.
    symbols.sort_unstable_by_key(|&s| (freqs[usize::from(s)], s));
    let mut weights = [0u64; NUM_SYMBOLS];
    for (w, &s) in weights.iter_mut().zip(symbols.iter()) {
        *w = u64::from(freqs[usize::from(s)]);
    }
    let weights = &mut weights[..n];
    // Nodes 0..n are leaves, n.. internal nodes in creation order.
    let mut parent = [0u32; 2 * NUM_SYMBOLS - 1];
    let mut node_weight = [0u64; 2 * NUM_SYMBOLS - 1];
    let mut depth = [0u8; 2 * NUM_SYMBOLS - 1];
    loop {
        node_weight[..n].copy_from_slice(weights);
        let (mut leaf, mut internal, mut next) = (0usize, n, n);
        let mut take = |node_weight: &[u64], next: usize| -> usize {
            let use_leaf = leaf < n && (internal >= next || node_weight[leaf] <= node_weight[internal]);
            if use_leaf {
                leaf += 1;
                leaf - 1
            } else {
                internal += 1;
                internal - 1
            }
        };
        while next < 2 * n - 1 {
            let a = take(&node_weight, next);
            let b = take(&node_weight, next);
            node_weight[next] = node_weight[a] + node_weight[b];
            parent[a] = next as u32;
            parent[b] = next as u32;
            next += 1;
        }
        // Depths, from the root (the last node) down.
        depth[2 * n - 2] = 0;
        for node in (0..2 * n - 2).rev() {
            depth[node] = depth[parent[node] as usize] + 1;
        }
        if depth[..n].iter().all(|&d| u32::from(d) <= MAX_CODE_LEN) {
            for (i, &s) in symbols.iter().enumerate() {
                lengths[usize::from(s)] = depth[i];
            }
            return;
        }
        for w in weights.iter_mut() {
            *w = w.div_ceil(2);
        }
    }
}

/// Assigns canonical codes ([MS-XCA] §2.1.4.2): increasing in (length,
/// symbol), MSB first.
pub(crate) fn canonical_codes(lengths: &[u8; NUM_SYMBOLS], codes: &mut [u16; NUM_SYMBOLS]) {
    let mut count = [0u32; MAX_CODE_LEN as usize + 1];
    for &len in lengths {
        count[usize::from(len)] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; MAX_CODE_LEN as usize + 1];
    let mut code = 0u32;
    for len in 1..=MAX_CODE_LEN as usize {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (symbol, &len) in lengths.iter().enumerate() {
        if len != 0 {
            codes[symbol] = next[usize::from(len)] as u16;
            next[usize::from(len)] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::huffman::decode::DecodeTable;

    #[test]
    fn lengths_are_limited_and_form_a_complete_code() {
        // Fibonacci counts force a very deep tree without the limit.
        let mut freqs = [0u32; NUM_SYMBOLS];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freqs.iter_mut().take(30) {
            *f = a;
            (a, b) = (b, a.saturating_add(b));
        }
        let mut lengths = [0u8; NUM_SYMBOLS];
        build_lengths(&freqs, &mut lengths);
        assert!(lengths.iter().all(|&l| u32::from(l) <= MAX_CODE_LEN));
        assert!(lengths[..30].iter().all(|&l| l > 0));
        DecodeTable::new().build(&lengths).expect("complete code");
    }

    #[test]
    fn canonical_codes_match_the_spec_example() {
        let mut lengths = [0u8; NUM_SYMBOLS];
        for (s, l) in [(b'c' as usize, 2), (256, 2), (287, 2), (b'a' as usize, 3), (b'b' as usize, 3)] {
            lengths[s] = l;
        }
        let mut codes = [0u16; NUM_SYMBOLS];
        canonical_codes(&lengths, &mut codes);
        assert_eq!(
            [codes[b'c' as usize], codes[256], codes[287], codes[b'a' as usize], codes[b'b' as usize]],
            [0, 1, 2, 6, 7]
        );
    }
}
