// SPDX-License-Identifier: Apache-2.0
// Any bytes as what a server sends back (and as what a client sends the emulator): the head is
// found and parsed within its bound, the body taken off by its framing within its bound, and
// the answer must not depend on how the bytes were split into reads. The first byte chooses
// the size of the reads.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/http_wire.h"

namespace {

using namespace tidb_backups;
using namespace tidb_backups::http;

constexpr std::size_t kMaxBody = std::size_t{1} << 20;

struct Outcome {
    bool ok = false;
    int status = 0;
    std::string body;
    std::size_t used = 0;  // bytes of the input that belonged to the message
};

// Reads one response from `wire` the way the transport does, `step` bytes at a time.
Outcome read_response(std::string_view wire, std::size_t step) {
    Outcome outcome;
    std::string buffer;
    std::size_t offered = 0;
    std::size_t head_bytes = 0;
    ResponseHead head;
    std::size_t head_end = 0;
    while (true) {
        std::size_t searched = 0;
        std::optional<std::size_t> end;
        while (!(end = find_head_end(buffer, searched))) {
            if (head_bytes + buffer.size() > kMaxHeadBytes || offered >= wire.size()) {
                return outcome;
            }
            searched = buffer.size();
            std::string_view piece = wire.substr(offered, step);
            buffer.append(piece);
            offered += piece.size();
        }
        head_bytes += *end;
        if (head_bytes > kMaxHeadBytes) {
            return outcome;
        }
        auto parsed = parse_response_head(std::string_view(buffer).substr(0, *end));
        if (!parsed) {
            if (parsed.error().message.empty()) {
                __builtin_trap();
            }
            return outcome;
        }
        if (parsed->status < 100 || parsed->status > 599) {
            __builtin_trap();
        }
        if (parsed->status >= 200) {
            head = std::move(*parsed);
            head_end = *end;
            break;
        }
        buffer.erase(0, *end);
    }
    auto framing = response_framing(head);
    if (!framing) {
        return outcome;
    }
    BodyReader reader(*framing, kMaxBody);
    // What the head's reads brought beyond the head, then the rest of the wire in steps.
    std::string_view pending = std::string_view(buffer).substr(head_end);
    std::size_t consumed_before = offered - buffer.size() + head_end;
    std::size_t used = 0;
    while (true) {
        auto took = reader.feed(pending, outcome.body);
        if (!took) {
            return Outcome{};
        }
        if (*took > pending.size() || outcome.body.size() > kMaxBody) {
            __builtin_trap();
        }
        used += *took;
        if (reader.done()) {
            break;
        }
        if (offered >= wire.size()) {
            if (!reader.end_of_input()) {
                return Outcome{};
            }
            break;
        }
        pending = wire.substr(offered, step);
        offered += pending.size();
    }
    outcome.ok = true;
    outcome.status = head.status;
    outcome.used = consumed_before + used;
    return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::size_t step = 1 + data[0] % 64;
    std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);

    Outcome whole = read_response(wire, wire.size() + 1);
    Outcome pieces = read_response(wire, step);
    if (whole.ok != pieces.ok || whole.status != pieces.status || whole.body != pieces.body ||
        whole.used != pieces.used) {
        __builtin_trap();  // the answer depended on how the bytes arrived
    }

    if (auto end = find_head_end(wire); end && *end <= kMaxHeadBytes) {
        if (auto request = parse_request_head(wire.substr(0, *end))) {
            if (request->method.empty() || request->target.empty()) {
                __builtin_trap();
            }
            (void)request_framing(*request);
        }
    }
    return 0;
}
