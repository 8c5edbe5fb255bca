// benchgate: configuration macros shared by every header (floor 0).
#pragma once

#define BENCHGATE_VERSION_MAJOR 0
#define BENCHGATE_VERSION_MINOR 1
#define BENCHGATE_VERSION_PATCH 0
#define BENCHGATE_VERSION_STRING "0.1.0"

// The JSON schema written and accepted (major version). Readers reject a newer major.
#define BENCHGATE_SCHEMA "benchgate/1"
#define BENCHGATE_SCHEMA_MAJOR 1

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
