//! What `std` would provide on wasm, at a fraction of the size: the allocator (see
//! `heap.rs`) and a panic handler that traps without formatting a message. The host turns
//! a trap into an error, and nothing reads a panic message on wasm32-unknown-unknown.

use crate::heap::Heap;
use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;

struct Allocator(UnsafeCell<Heap>);

// A component instance runs on one thread; nothing shares this heap.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(Heap::new()));

/// `bytes` (a multiple of 64 KiB) of new linear memory, or None.
fn grow(bytes: usize) -> Option<usize> {
    let pages = wasm32::memory_grow(0, bytes >> 16);
    (pages != usize::MAX).then_some(pages << 16)
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match (*self.0.get()).alloc(layout.size(), layout.align(), grow) {
            // Out of memory traps here, as `handle_alloc_error` would after formatting a
            // message nobody reads on wasm32-unknown-unknown.
            0 => wasm32::unreachable(),
            p => p as *mut u8,
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).dealloc(ptr as usize, layout.size(), layout.align());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Heap::same_block(layout.size(), layout.align(), new_size) {
            return ptr;
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        self.dealloc(ptr, layout);
        new
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}
