// Finds OpenSSL's internal read and write functions, where TLS probes cost least.
//
// A uprobe traps once on its instruction, and when the kernel cannot emulate that instruction
// it also single-steps a copy of it: a second trap, which costs about 13 µs on virtual machines
// that intercept debug exceptions. OpenSSL's public SSL_read/SSL_write (and _ex) start with
// `sub rsp`, which is single-stepped; the internal functions they all call
// (ssl_read_internal/ssl_write_internal in 1.1.1 and 3.x) start with `push`, which is emulated.
// Those take (SSL *s, void *buf, size_t num, size_t *done) and return > 0 on success with the
// byte count in *done, so one probe pair there covers all four public functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace apisensor::capture {

// The target of the function's first direct call, if that call is reached with the function's
// first two arguments (rdi, rsi) untouched and no jump or return before it: the shape of a thin
// wrapper around an internal function. `address` is where `code` starts.
std::optional<uint64_t> WrappedCallTarget(std::span<const uint8_t> code, uint64_t address);

// Whether the first instruction is a register push, which the kernel's uprobes emulate.
bool StartsWithPush(std::span<const uint8_t> code, uint64_t address);

// Offset of the function's first instruction the kernel emulates (a register push, a relative
// jump, conditional jump or call) if it is reached with the first argument (rdi) untouched:
// where a probe that only needs that argument (SSL_free's) costs one trap, not two.
std::optional<uint64_t> FirstEmulatedOffset(std::span<const uint8_t> code, uint64_t address);

}  // namespace apisensor::capture
