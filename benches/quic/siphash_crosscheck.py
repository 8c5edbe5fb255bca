#!/usr/bin/env python3
"""Cross-checks the C++ SipHash-2-4 (siphash.hpp) with an independent Python implementation.

    siphash_crosscheck.py AUTH_TEST_BINARY AUTH_TEST_SOURCE

1. Re-derives the 64 reference vectors embedded in AUTH_TEST_SOURCE (vectors_sip64: key
   00..0f, message 00..len-1) with the implementation below, so a mistyped vector cannot hide.
2. Runs `AUTH_TEST_BINARY --siphash-dump` (random keys, messages of length 0..130) and checks
   every hash the C++ code printed.
Exit status 0 when everything agrees, 1 otherwise.
"""
import re
import subprocess
import sys

MASK = (1 << 64) - 1


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key: bytes, msg: bytes) -> int:
    """SipHash-2-4, written from the paper's description (Aumasson & Bernstein, 2012)."""
    assert len(key) == 16
    k0 = int.from_bytes(key[:8], "little")
    k1 = int.from_bytes(key[8:], "little")
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def sipround():
        v[0] = (v[0] + v[1]) & MASK
        v[1] = rotl(v[1], 13) ^ v[0]
        v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK
        v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & MASK
        v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & MASK
        v[1] = rotl(v[1], 17) ^ v[2]
        v[2] = rotl(v[2], 32)

    # Pad: zeros up to a multiple of 8 bytes with the length (mod 256) in the last byte.
    padded = msg + bytes((7 - len(msg)) % 8) + bytes([len(msg) & 0xFF])
    for i in range(0, len(padded), 8):
        m = int.from_bytes(padded[i:i + 8], "little")
        v[3] ^= m
        sipround()
        sipround()
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        sipround()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def embedded_vectors(source_path):
    text = open(source_path, encoding="utf-8").read()
    block = re.search(r"vectors_sip64\[64\]\[8\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if not block:
        raise SystemExit("vectors_sip64 not found in " + source_path)
    rows = re.findall(r"\{([^{}]*)\}", block.group(1))
    return [bytes(int(b, 16) for b in row.replace(" ", "").split(",") if b) for row in rows]


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary, source = sys.argv[1], sys.argv[2]
    failures = 0

    # The textbook example from the paper (appendix A): key 00..0f, message 00..0e.
    if siphash24(bytes(range(16)), bytes(range(15))) != 0xA129CA6149BE45E5:
        print("the Python SipHash does not reproduce the paper's example")
        return 1

    vectors = embedded_vectors(source)
    if len(vectors) != 64 or any(len(v) != 8 for v in vectors):
        print(f"expected 64 vectors of 8 bytes, found {len(vectors)}")
        return 1
    for n, want in enumerate(vectors):
        got = siphash24(bytes(range(16)), bytes(range(n))).to_bytes(8, "little")
        if got != want:
            print(f"vector {n}: embedded {want.hex()}, Python computes {got.hex()}")
            failures += 1
    print(f"embedded reference vectors: {64 - failures}/64 re-derived")

    out = subprocess.run([binary, "--siphash-dump"], check=True, capture_output=True, text=True).stdout
    lines = out.split("\n")
    checked = 0
    for line in lines:
        if not line:
            continue
        key_hex, msg_hex, hash_hex = line.split()
        msg = b"" if msg_hex == "-" else bytes.fromhex(msg_hex)
        want = siphash24(bytes.fromhex(key_hex), msg)
        if int(hash_hex, 16) != want:
            print(f"len {len(msg)} key {key_hex}: C++ {hash_hex}, Python {want:016x}")
            failures += 1
        checked += 1
    print(f"C++ against Python on random keys and messages: {checked} hashes compared")
    if checked < 300:
        print("too few hashes in the dump")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
