#pragma once

#include <cstdint>
#include <string>

namespace warden::host {

/// A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, in the canonical
/// 8-4-4-4-12 form. Time-ordered, so new rows land at the end of the primary-key index instead of
/// at random places in it (several times faster batched inserts than UUIDv4).
std::string uuid_v7(std::int64_t unix_ms);

/// `ts_<service>_<uuid>` (seed 004).
std::string make_task_id(const std::string& service, std::int64_t unix_ms);

}  // namespace warden::host
