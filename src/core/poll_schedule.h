// SPDX-License-Identifier: Apache-2.0
// How long `wait` pauses between two polls of a backup: short at first, so a backup that ends
// quickly is seen soon, then doubling up to a cap, so a long one costs few requests; with
// jitter, so many waits started together (a deploy of many clusters) do not poll in step.
#pragma once

#include <chrono>
#include <random>

namespace tidb_backups {

struct PollSchedule {
    std::chrono::milliseconds first{2000};  // the nominal pause after the first poll
    std::chrono::milliseconds cap{30000};   // --interval: no pause is longer

    // The pause after poll number `poll` (1-based): first * 2^(poll-1), at most cap, shortened by
    // up to a fifth at random. Never longer than cap; never shorter than 4/5 of the nominal.
    std::chrono::milliseconds pause(int poll, std::mt19937_64& random) const;
};

}  // namespace tidb_backups
