#pragma once
// Merging the router's and the shards' results into the byte-stable outputs of SPEC §5.
#include <string>
#include <string_view>
#include <vector>

#include "router.h"
#include "shard.h"
#include "weave/engine.h"
#include "weave/json_text.h"

namespace weave {

replay_outputs format_outputs(std::string_view log, const router& route,
                              const std::vector<const shard*>& shards,
                              const listing_store& listings);

// Pieces of format_outputs for live mode, where there is no log to quote rejects from.
std::string format_divergence_line(const router& route, const divergence_record& divergence);
std::string format_report_body(const router& route, const std::vector<const shard*>& shards);
std::string format_state_lines(const router& route, const std::vector<const shard*>& shards,
                               const listing_store& listings);

// Nearest-rank percentile of sorted values: the value at rank ceil(p * n / 100).
int64_t nearest_rank(const std::vector<int64_t>& sorted, unsigned p);

} // namespace weave
