// benchgate: allocation counting.
//
// Opt-in: define BENCHGATE_COUNT_ALLOCATIONS before including benchgate.hpp in the translation
// unit that defines main (BENCHGATE_MAIN). That TU then replaces the global operator new and
// delete with versions that count calls and bytes in relaxed atomics (thread-safe) before
// forwarding to malloc/free. Without the define nothing is replaced: zero cost.
//
// Live and peak heap bytes: every block carries its requested size in a header in front of
// it, so a delete knows how many bytes it returns. A header, not malloc_usable_size: the
// allocator's usable size is the requested size rounded up to its bins (24 bytes for `new
// int` on glibc), and sized delete is not called for every block (an unsized `delete`, a
// library built without sized deallocation), so only the header makes the figures exact in
// requested bytes. The header is 16 bytes (alignof(max_align_t)), or the alignment for an
// over-aligned new, so the pointer returned keeps the alignment asked for.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace benchgate::detail {

struct AllocationCounters {
    std::atomic<std::uint64_t> allocations{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::int64_t> live{0};  // requested bytes allocated and not yet freed
    std::atomic<std::int64_t> peak{0};  // the highest `live` since the last start_peak_window
    bool installed = false;  // set at static initialisation by the replacement operators
};

inline AllocationCounters& allocation_counters() {
    static AllocationCounters counters;
    return counters;
}

struct AllocationSnapshot {
    std::uint64_t allocations = 0;
    std::uint64_t bytes = 0;
};

inline AllocationSnapshot allocation_snapshot() {
    auto& c = allocation_counters();
    return {c.allocations.load(std::memory_order_relaxed), c.bytes.load(std::memory_order_relaxed)};
}

inline bool allocation_tracking_installed() { return allocation_counters().installed; }

// Raises c.peak to `now` if it is higher (a CAS loop: bounded by the number of threads that
// raise it concurrently, each failed exchange means another thread raised it).
inline void raise_peak(AllocationCounters& c, std::int64_t now) {
    std::int64_t seen = c.peak.load(std::memory_order_relaxed);
    while (now > seen && !c.peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
}

// The bookkeeping of one new of `size` requested bytes and of one delete of such a block.
inline void note_allocation(AllocationCounters& c, std::size_t size) {
    c.allocations.fetch_add(1, std::memory_order_relaxed);
    c.bytes.fetch_add(size, std::memory_order_relaxed);
    const auto n = static_cast<std::int64_t>(size);
    raise_peak(c, c.live.fetch_add(n, std::memory_order_relaxed) + n);
}

// (No count of deletes: nothing reads one, and each counter is a locked add on the path.)
inline void note_deallocation(AllocationCounters& c, std::size_t size) {
    c.live.fetch_sub(static_cast<std::int64_t>(size), std::memory_order_relaxed);
}

// A window over which the peak of live heap bytes is taken: starts by resetting the peak to
// the bytes live now, and reads back how far above that level the live bytes went. Live
// bytes from before the window (an earlier benchmark's leak, the runner's own data) are not
// part of the figure; a block freed inside the window that was allocated before it can make
// the level drop below the start, which is not negative growth: the figure is at least 0.
inline std::int64_t start_peak_window(AllocationCounters& c) {
    const std::int64_t now = c.live.load(std::memory_order_relaxed);
    c.peak.store(now, std::memory_order_relaxed);
    // A thread that allocated between the load and the store raised the peak before the store
    // overwrote it: raise it again to the live bytes seen after the store.
    raise_peak(c, c.live.load(std::memory_order_relaxed));
    return now;
}

inline std::int64_t peak_since(const AllocationCounters& c, std::int64_t start) {
    const std::int64_t above = c.peak.load(std::memory_order_relaxed) - start;
    return above > 0 ? above : 0;
}

// Where a block of `align` alignment starts after its size header, and where the size is.
inline std::size_t header_bytes(std::size_t align) {
    return align > alignof(std::max_align_t) ? align : alignof(std::max_align_t);
}

}  // namespace benchgate::detail

#if defined(BENCHGATE_COUNT_ALLOCATIONS) && defined(BENCHGATE_MAIN)
#include <cstdlib>
#include <cstring>
#include <new>

namespace benchgate::detail {

// malloc (or posix_memalign) of the block with its header; the header's last word holds the
// requested size. A size too large to add the header to fails like a failed malloc.
inline void* counted_alloc(std::size_t size, std::size_t align, bool nothrow) {
    const std::size_t header = header_bytes(align);
    void* base = nullptr;
    if (size <= ~std::size_t{0} - header) {
        if (align > alignof(std::max_align_t)) {
            if (::posix_memalign(&base, align, size + header) != 0) base = nullptr;
        } else {
            base = std::malloc(size + header);
        }
    }
    if (!base) {
        if (nothrow) return nullptr;
        throw std::bad_alloc();
    }
    note_allocation(allocation_counters(), size);
    char* p = static_cast<char*>(base) + header;
    std::memcpy(p - sizeof(std::size_t), &size, sizeof size);
    return p;
}

inline void counted_free(void* p, std::size_t align) {
    if (!p) return;
    char* user = static_cast<char*>(p);
    std::size_t size = 0;
    std::memcpy(&size, user - sizeof(std::size_t), sizeof size);
    note_deallocation(allocation_counters(), size);
    std::free(user - header_bytes(align));
}

struct AllocationTrackingInstaller {
    AllocationTrackingInstaller() { allocation_counters().installed = true; }
};
inline AllocationTrackingInstaller allocation_tracking_installer;

}  // namespace benchgate::detail

void* operator new(std::size_t n) { return benchgate::detail::counted_alloc(n, 0, false); }
void* operator new[](std::size_t n) { return benchgate::detail::counted_alloc(n, 0, false); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return benchgate::detail::counted_alloc(n, 0, true); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return benchgate::detail::counted_alloc(n, 0, true); }
void* operator new(std::size_t n, std::align_val_t a) { return benchgate::detail::counted_alloc(n, static_cast<std::size_t>(a), false); }
void* operator new[](std::size_t n, std::align_val_t a) { return benchgate::detail::counted_alloc(n, static_cast<std::size_t>(a), false); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return benchgate::detail::counted_alloc(n, static_cast<std::size_t>(a), true);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return benchgate::detail::counted_alloc(n, static_cast<std::size_t>(a), true);
}
void operator delete(void* p) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete[](void* p) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete(void* p, std::size_t) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete[](void* p, std::size_t) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete(void* p, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p, 0); }
void operator delete(void* p, std::align_val_t a) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
void operator delete[](void* p, std::align_val_t a) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
void operator delete(void* p, std::size_t, std::align_val_t a) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
void operator delete[](void* p, std::size_t, std::align_val_t a) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p, static_cast<std::size_t>(a)); }
#endif
