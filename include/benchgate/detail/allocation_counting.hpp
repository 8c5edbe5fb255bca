// benchgate: allocation counting.
//
// Opt-in: define BENCHGATE_COUNT_ALLOCATIONS before including benchgate.hpp in the translation
// unit that defines main (BENCHGATE_MAIN). That TU then replaces the global operator new and
// delete with versions that count calls and bytes in relaxed atomics (thread-safe) before
// forwarding to malloc/free. Without the define nothing is replaced: zero cost.
#pragma once

#include <atomic>
#include <cstdint>

namespace benchgate::detail {

struct AllocationCounters {
    std::atomic<std::uint64_t> allocations{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> deallocations{0};
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

}  // namespace benchgate::detail

#if defined(BENCHGATE_COUNT_ALLOCATIONS) && defined(BENCHGATE_MAIN)
#include <cstdlib>
#include <new>

namespace benchgate::detail {

inline void* counted_alloc(std::size_t size, std::size_t align, bool nothrow) {
    auto& c = allocation_counters();
    c.allocations.fetch_add(1, std::memory_order_relaxed);
    c.bytes.fetch_add(size, std::memory_order_relaxed);
    if (size == 0) size = 1;
    void* p = nullptr;
    if (align > alignof(std::max_align_t)) {
        if (::posix_memalign(&p, align, size) != 0) p = nullptr;
    } else {
        p = std::malloc(size);
    }
    if (!p && !nothrow) throw std::bad_alloc();
    return p;
}

inline void counted_free(void* p) {
    if (!p) return;
    allocation_counters().deallocations.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
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
void operator delete(void* p) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p) noexcept { benchgate::detail::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { benchgate::detail::counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { benchgate::detail::counted_free(p); }
#endif
