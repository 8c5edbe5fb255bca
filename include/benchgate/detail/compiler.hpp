// benchgate: compiler attribute and token-pasting macros used by the other headers.
#pragma once

#define BENCHGATE_CAT_IMPL(a, b) a##b
#define BENCHGATE_CAT(a, b) BENCHGATE_CAT_IMPL(a, b)

#if defined(__GNUC__) || defined(__clang__)
#define BENCHGATE_NOINLINE __attribute__((noinline))
#define BENCHGATE_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define BENCHGATE_NOINLINE
#define BENCHGATE_ALWAYS_INLINE inline
#endif

// Build type as seen by the compiler, recorded in the fingerprint and warned about.
#if defined(__OPTIMIZE__)
#define BENCHGATE_OPTIMIZED 1
#else
#define BENCHGATE_OPTIMIZED 0
#endif

// Built with AddressSanitizer (GCC defines __SANITIZE_ADDRESS__; clang answers __has_feature).
// Such a binary cannot run under valgrind, so --metric instructions refuses it.
#if defined(__SANITIZE_ADDRESS__)
#define BENCHGATE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCHGATE_ASAN 1
#endif
#endif
#ifndef BENCHGATE_ASAN
#define BENCHGATE_ASAN 0
#endif
