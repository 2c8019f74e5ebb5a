// SPDX-License-Identifier: Apache-2.0
// `check -o json`: a HealthReport as one JSON array, one object per cluster in the order given,
// laid out as `list -o json` is (one compact object a line). Every key is always present, null
// when not known, so jq filters need no guards:
//   {"id":"MlaMfzgZ","region":"cn-zj","verdict":"WARNING","reasons":["newest backup bk-3 is
//    Failed"],"state":"Success","newest":{"id":"bk-2","state":"Success","start":1794989200,
//    "end":1794989800,"size_bytes":1048576000,"duration_seconds":600},"age_seconds":10800,
//    "counts":{"Success":1,"Failed":1,"Running":0},"total":2,"newest_failed":true,
//    "running":null,"size_drop":null,"notes":[],"error":null}
// "running" is the Running backup that started first ({"id","start","seconds"}); "size_drop"
// is set when that rule fired ({"previous_id","previous_size_bytes","size_bytes"}); "error",
// for a failed call, is {"kind","exit_code","message","hint","ret_code"} with kind one of
// usage, api, network, response, config, output, interrupted, and ret_code null unless api.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/health.h"

namespace tidb_backups {

// The object of one cluster (see above); `state` is the state the rules checked.
nlohmann::ordered_json cluster_health_json(const ClusterHealth& cluster, const std::string& state);

// The whole array, ending in a newline. Invalid UTF-8 from the server becomes U+FFFD. With
// `terminal`, characters that could drive a terminal are written as \uXXXX escapes (the same
// JSON data, as `list -o json` does on a terminal).
std::string health_json(const HealthReport& report, bool terminal);

}  // namespace tidb_backups
