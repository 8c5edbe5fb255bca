// benchgate: the library version and the JSON schema it writes and accepts.
#pragma once

#define BENCHGATE_VERSION_MAJOR 0
#define BENCHGATE_VERSION_MINOR 1
#define BENCHGATE_VERSION_PATCH 0
#define BENCHGATE_VERSION_STRING "0.1.0"

// The JSON schema written and accepted (major version). Readers reject a newer major.
#define BENCHGATE_SCHEMA "benchgate/1"
#define BENCHGATE_SCHEMA_MAJOR 1
