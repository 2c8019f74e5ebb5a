// SPDX-License-Identifier: Apache-2.0
// Which page requests of a fleet's listing a worker may take: output goes cluster by cluster, so
// pages of the clusters after the one being handed on wait for their turn in memory. Bounding
// how many of them are taken keeps that memory small in a fleet of any size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tidb_backups {

class AheadBudget {
  public:
    // `budget`: pages of the clusters after the current one that may be taken before their turn.
    AheadBudget(std::size_t clusters, std::int64_t budget) : taken_(clusters, 0), budget_(budget) {}

    // Any request of the current cluster (or of one before it, left over) may be taken; one of
    // a later cluster only while fewer than the budget of theirs are taken.
    bool may_take(std::size_t cluster) const { return cluster <= current_ || ahead_ < budget_; }

    void take(std::size_t cluster) {
        if (cluster > current_) {
            ++taken_[cluster];
            ++ahead_;
        }
    }

    // `cluster` is now the one handed on: its pages are no longer ahead.
    void advance_to(std::size_t cluster) {
        for (std::size_t c = current_ + 1; c <= cluster && c < taken_.size(); ++c) {
            ahead_ -= taken_[c];
            taken_[c] = 0;
        }
        current_ = cluster;
    }

    std::size_t current() const { return current_; }
    std::int64_t ahead() const { return ahead_; }

  private:
    std::vector<std::int64_t> taken_;  // pages taken of each cluster after current_
    std::int64_t ahead_ = 0;           // their sum
    std::int64_t budget_;
    std::size_t current_ = 0;
};

}  // namespace tidb_backups
