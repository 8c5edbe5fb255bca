// benchgate: optimisation barriers for benchmark bodies.
#pragma once

#include <type_traits>

#include "detail/compiler.hpp"

namespace benchgate {

// Keeps `value` alive: the compiler must assume it is read, so the computation producing it
// cannot be removed. Small trivially copyable values may stay in a register.
template <class T>
BENCHGATE_ALWAYS_INLINE void do_not_optimize(const T& value) {
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*))
        asm volatile("" : : "r,m"(value) : "memory");
    else
        asm volatile("" : : "m"(value) : "memory");
}

// Non-const overload: the compiler must also assume the value was modified.
template <class T>
BENCHGATE_ALWAYS_INLINE void do_not_optimize(T& value) {
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*)) {
#if defined(__clang__)
        asm volatile("" : "+r,m"(value) : : "memory");
#else
        asm volatile("" : "+m,r"(value) : : "memory");
#endif
    } else {
        asm volatile("" : "+m"(value) : : "memory");
    }
}

// A full compiler memory barrier: every pending write is assumed visible to the world.
BENCHGATE_ALWAYS_INLINE void compiler_barrier() { asm volatile("" : : : "memory"); }

}  // namespace benchgate
