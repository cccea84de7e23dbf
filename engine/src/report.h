#pragma once
// Merging the router's and the shards' results into the byte-stable outputs of SPEC §5.
#include <string>
#include <string_view>
#include <vector>

#include "router.h"
#include "shard.h"
#include "weave/engine.h"

namespace weave {

replay_outputs format_outputs(std::string_view log, const router& route,
                              const std::vector<const shard*>& shards,
                              const listing_store& listings);

// Pieces of format_outputs for live mode, where there is no log to quote rejects from.
std::string format_divergence_line(const router& route, const divergence_record& divergence);
std::string format_report_body(const router& route, const std::vector<const shard*>& shards);
std::string format_state_lines(const router& route, const std::vector<const shard*>& shards,
                               const listing_store& listings);

// JSON string escaping of raw bytes: cut at `bytes_max` on a character boundary, invalid UTF-8
// shown as U+FFFD (one per maximal invalid subpart).
void append_json_string(std::string& out, std::string_view bytes, size_t bytes_max = SIZE_MAX);

// Nearest-rank percentile of sorted values: the value at rank ceil(p * n / 100).
int64_t nearest_rank(const std::vector<int64_t>& sorted, unsigned p);

} // namespace weave
