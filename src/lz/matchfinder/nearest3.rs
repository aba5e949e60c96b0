//! The nearest 3-byte match, beside the finders that hash four bytes.

use super::{distance, in_reach, read_u32, HASH_MULTIPLIER};
use crate::lz::arena::Arena;

/// Slots: 3-byte matches are worth taking only near, where few positions
/// compete for a slot.
const BITS: u32 = 12;
const SLOTS: usize = 1 << BITS;

/// What an unused slot holds: a position half the 16-bit range away.
const EMPTY: u16 = 0x8000;

/// The newest position by a hash of its next three bytes (its low 16
/// bits). A finder that hashes four bytes finds no 3-byte match; this
/// table finds the nearest one (or one of them, where slots collide).
pub(crate) struct NearestThree<'a> {
    slots: &'a mut [u16; SLOTS],
}

impl<'a> NearestThree<'a> {
    /// The bytes of the table.
    pub(crate) const TABLE_BYTES: usize = 2 * SLOTS;

    /// An empty table from `arena`.
    pub(crate) fn new(arena: &mut Arena<'a>) -> Self {
        let slots: &mut [u16; SLOTS] = arena.u16s(SLOTS).try_into().expect("the arena holds the 3-byte table");
        slots.fill(EMPTY);
        NearestThree { slots }
    }

    /// The slot of the three low bytes of `head` (masked only to spare the
    /// bounds check).
    #[inline(always)]
    fn slot(head: u32) -> usize {
        (u64::from(head << 8).wrapping_mul(HASH_MULTIPLIER) >> (64 - BITS)) as usize & (SLOTS - 1)
    }

    /// Records `pos`, whose next four bytes are `head`.
    #[inline(always)]
    pub(crate) fn record(&mut self, head: u32, pos: usize) {
        self.slots[Self::slot(head)] = pos as u16;
    }

    /// The distance back from `pos` (whose next four bytes are `head`, and
    /// which is not recorded yet) to the newest position of its slot, if
    /// it is at most `reach` back and starts with the same three bytes.
    #[inline(always)]
    pub(crate) fn find(&self, data: &[u8], pos: usize, head: u32, reach: usize) -> Option<usize> {
        Self::confirm(data, pos, head, self.candidate(pos, head), reach)
    }

    /// [`find`](Self::find) in two steps, so that `pos` may be recorded
    /// between them: the distance to the newest position of the slot...
    #[inline(always)]
    pub(crate) fn candidate(&self, pos: usize, head: u32) -> usize {
        distance(pos, self.slots[Self::slot(head)])
    }

    /// ...and whether it is in reach and starts with the same three bytes.
    #[inline(always)]
    pub(crate) fn confirm(data: &[u8], pos: usize, head: u32, dist: usize, reach: usize) -> Option<usize> {
        (in_reach(dist, reach) && (read_u32(data, pos - dist) ^ head) << 8 == 0).then_some(dist)
    }
}
