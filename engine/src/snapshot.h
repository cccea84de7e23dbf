#pragma once
// The engine's whole state (router, shards, listing store) as bytes, for live-mode snapshots.
// Integrity (a checksum) is the storage layer's job; this checks structure only.
#include <string>
#include <string_view>
#include <vector>

#include "router.h"
#include "shard.h"

namespace weave {

// Appends the state to `out` (which may already hold a caller's header), allocating once, with
// `room_after` bytes more for what the caller appends next.
void append_engine_snapshot(std::string& out, router& route, const std::vector<shard*>& shards,
                            listing_store& listings, size_t room_after = 0);
// The shard count a snapshot was written with; throws std::runtime_error if not a snapshot.
unsigned engine_snapshot_shards(std::string_view bytes);
// Into a fresh router and shards of that shard count.
void read_engine_snapshot(std::string_view bytes, router& route, const std::vector<shard*>& shards,
                          listing_store& listings);

} // namespace weave
