#pragma once
// Seeded random NDJSON logs for the reference-model comparison. The generator feeds every line
// it writes to a reference_model as it goes, so that channel observations can follow the truth
// (or an old value, a policy variant, a rejected movement, a random edit) and ids can be reused.
#include "reference_model.h"

#include <cstdint>
#include <string>

namespace weave_sim {

struct generated_log {
    std::string text;       // the log, as written to disk
    model_outputs outputs;   // what the reference model says weave must write for it
    std::size_t lines = 0;
};

generated_log generate_log(std::uint64_t seed);

}  // namespace weave_sim
