//! The component's memory allocator: power-of-two size classes with one free list each.
//!
//! Why not dlmalloc (what `std` brings): it is ~8 KiB of the component (size: see lib.rs).
//! This one is a few hundred bytes and fits how the
//! scan allocates: the same few sizes over and over (a page body, its row spans, one row's
//! strings), so a freed block is almost always reused by the next request of its class and
//! memory stays at the high-water mark of one page. The cost is up to 2x rounding per block.
//!
//! Addresses are plain `usize` so the logic runs (and is tested) natively on a buffer; on
//! wasm `rt.rs` feeds it pages from `memory.grow`.

/// Smallest block: it must hold the free list's next pointer.
const MIN_CLASS: u32 = 3;
/// Classes 2^3 ..= 2^31 bytes.
const CLASSES: usize = 32;

pub struct Heap {
    /// Head of each class's free list (0 = empty); a free block's first word is the next.
    free: [usize; CLASSES],
    /// The unused tail of the last region obtained from `grow`.
    top: usize,
    end: usize,
}

/// The class of a request: the smallest power of two that holds `size` and `align`.
fn class(size: usize, align: usize) -> Option<usize> {
    let need = size.max(align).max(1 << MIN_CLASS);
    let k = usize::BITS - (need - 1).leading_zeros();
    (k < CLASSES as u32).then_some(k as usize)
}

impl Heap {
    pub const fn new() -> Self {
        Heap {
            free: [0; CLASSES],
            top: 0,
            end: 0,
        }
    }

    /// A block of at least `size` bytes aligned to `align` (a power of two), or 0.
    /// `grow(bytes)` must return the start of `bytes` new bytes (or None when out of memory).
    ///
    /// # Safety
    /// Blocks on the free lists must be writable memory this heap handed out.
    pub unsafe fn alloc(
        &mut self,
        size: usize,
        align: usize,
        grow: impl FnOnce(usize) -> Option<usize>,
    ) -> usize {
        let Some(k) = class(size, align) else {
            return 0;
        };
        let bytes = 1usize << k;
        // `get_mut`, not `[]`: no bounds-check panic path in the component (k < CLASSES).
        let Some(slot) = self.free.get_mut(k) else {
            return 0;
        };
        let head = *slot;
        // Blocks are carved aligned to `step` below, which covers any `align` up to 4 KiB
        // that fits the class; larger alignments are checked (align is a power of two).
        if head != 0 && head & align.wrapping_sub(1) == 0 {
            *slot = *(head as *const usize);
            return head;
        }
        let step = bytes.min(4096).max(align);
        let carve = |top: usize, end: usize| {
            let start = top.checked_next_multiple_of(step)?;
            (start.checked_add(bytes)? <= end).then_some(start)
        };
        let start = match carve(self.top, self.end) {
            Some(start) => start,
            None => {
                // A new region, whole 64 KiB pages, room for the block and its alignment.
                let Some(want) = bytes
                    .checked_add(step)
                    .and_then(|w| w.checked_next_multiple_of(1 << 16))
                else {
                    return 0;
                };
                let Some(base) = grow(want) else {
                    return 0;
                };
                // The old tail is dropped unless the new region continues it.
                if base != self.end {
                    self.top = base;
                }
                self.end = base + want;
                match carve(self.top, self.end) {
                    Some(start) => start,
                    None => return 0,
                }
            }
        };
        self.top = start + bytes;
        start
    }

    /// Give back a block that `alloc` returned for the same `size` and `align`.
    ///
    /// # Safety
    /// `ptr` must come from `alloc(size, align)` on this heap and not be in use.
    pub unsafe fn dealloc(&mut self, ptr: usize, size: usize, align: usize) {
        if let Some(slot) = class(size, align).and_then(|k| self.free.get_mut(k)) {
            *(ptr as *mut usize) = *slot;
            *slot = ptr;
        }
    }

    /// Whether a block of (`size`, `align`) can grow or shrink to `new_size` in place.
    pub fn same_block(size: usize, align: usize, new_size: usize) -> bool {
        matches!((class(size, align), class(new_size, align)), (Some(a), Some(b)) if a == b)
    }
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A native arena standing in for wasm memory; `grow` hands out consecutive slices.
    struct Arena {
        buf: Vec<u64>,
        used: usize,
    }

    impl Arena {
        fn new(bytes: usize) -> Self {
            Arena {
                buf: vec![0; bytes / 8],
                used: 0,
            }
        }
        fn grow(&mut self, bytes: usize) -> Option<usize> {
            assert_eq!(bytes % (1 << 16), 0, "the heap asks for whole pages");
            // Start on a 64 KiB boundary like wasm memory does.
            let ptr = self.buf.as_ptr() as usize;
            let base = ptr.next_multiple_of(1 << 16);
            if base - ptr + self.used + bytes > self.buf.len() * 8 {
                return None;
            }
            let at = base + self.used;
            self.used += bytes;
            Some(at)
        }
    }

    fn alloc(h: &mut Heap, a: &mut Arena, size: usize, align: usize) -> usize {
        unsafe { h.alloc(size, align, |b| a.grow(b)) }
    }

    #[test]
    fn classes_round_up_to_powers_of_two() {
        assert_eq!(class(0, 1), Some(3));
        assert_eq!(class(8, 8), Some(3));
        assert_eq!(class(9, 1), Some(4));
        assert_eq!(class(3, 16), Some(4));
        assert_eq!(class(1 << 20, 8), Some(20));
        assert_eq!(class((1 << 20) + 1, 8), Some(21));
        assert_eq!(class(1 << 31, 8), Some(31));
        assert_eq!(class((1 << 31) + 1, 8), None);
        assert!(Heap::same_block(100, 8, 128));
        assert!(!Heap::same_block(100, 8, 129));
        assert!(!Heap::same_block(usize::MAX, 8, usize::MAX - 1));
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_keep_their_bytes() {
        let mut a = Arena::new(64 << 20);
        let mut h = Heap::new();
        let mut live: Vec<(usize, usize, usize, u8)> = Vec::new();
        // A deterministic mix of sizes and alignments, freeing every third block.
        let mut x: u32 = 12345;
        for i in 0..5000usize {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let size = [1, 7, 8, 24, 100, 1000, 5000, 70_000][(x >> 8) as usize % 8];
            let align = [1, 2, 4, 8, 16, 64, 8192][(x >> 16) as usize % 7];
            let p = alloc(&mut h, &mut a, size, align);
            assert_ne!(p, 0);
            assert_eq!(p % align, 0, "size {size} align {align}");
            let fill = (i % 251) as u8;
            unsafe { std::ptr::write_bytes(p as *mut u8, fill, size) };
            live.push((p, size, align, fill));
            if i % 3 == 2 {
                let (p, size, align, fill) = live.remove((x as usize >> 4) % live.len());
                let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
                assert!(bytes.iter().all(|&b| b == fill), "block overwritten");
                unsafe { h.dealloc(p, size, align) };
            }
        }
        live.sort();
        for w in live.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap");
        }
        for &(p, size, _, fill) in &live {
            let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
            assert!(bytes.iter().all(|&b| b == fill), "block overwritten");
        }
    }

    #[test]
    fn freed_blocks_are_reused_so_memory_stays_flat() {
        let mut a = Arena::new(256 << 20);
        let mut h = Heap::new();
        // Like a scan: each page is a ~1 MB body plus many small strings, then all freed.
        for _ in 0..200 {
            let body = alloc(&mut h, &mut a, 1_000_000, 1);
            let small: Vec<usize> = (0..500).map(|_| alloc(&mut h, &mut a, 40, 8)).collect();
            unsafe {
                for p in small {
                    h.dealloc(p, 40, 8);
                }
                h.dealloc(body, 1_000_000, 1);
            }
        }
        assert!(a.used <= 4 << 20, "memory grew to {} bytes", a.used);
    }

    #[test]
    fn out_of_memory_and_huge_requests_give_null() {
        let mut a = Arena::new(1 << 20);
        let mut h = Heap::new();
        assert_eq!(alloc(&mut h, &mut a, 2 << 20, 8), 0);
        assert_eq!(alloc(&mut h, &mut a, usize::MAX / 2, 8), 0);
        assert_ne!(alloc(&mut h, &mut a, 100, 8), 0);
    }
}
