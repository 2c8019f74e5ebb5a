// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/ahead_budget.h"

using namespace tidb_backups;

TEST_CASE("the cluster handed on may always take, the later ones up to the budget",
          "[ahead_budget]") {
    AheadBudget budget(5, 3);
    budget.take(1);
    budget.take(2);
    CHECK(budget.may_take(3));
    budget.take(3);
    // Three pages of clusters 1..3 are taken: no fourth, but cluster 0's pages still go.
    CHECK_FALSE(budget.may_take(1));
    CHECK_FALSE(budget.may_take(4));
    CHECK(budget.may_take(0));
    budget.take(0);
    budget.take(0);
    CHECK(budget.ahead() == 3);
    CHECK_FALSE(budget.may_take(4));
}

TEST_CASE("when a cluster's turn comes its pages leave the budget", "[ahead_budget]") {
    AheadBudget budget(4, 2);
    budget.take(1);
    budget.take(2);
    REQUIRE_FALSE(budget.may_take(3));
    budget.advance_to(1);
    CHECK(budget.current() == 1);
    CHECK(budget.ahead() == 1);
    CHECK(budget.may_take(3));
    // What cluster 1 takes now is its own turn's, not ahead.
    budget.take(1);
    budget.take(1);
    CHECK(budget.ahead() == 1);
    // Skipping clusters (they finished with nothing left) frees theirs too.
    budget.take(3);
    REQUIRE(budget.ahead() == 2);
    budget.advance_to(3);
    CHECK(budget.ahead() == 0);
    // Past the last cluster nothing is ahead; a leftover request may still be taken.
    budget.advance_to(4);
    CHECK(budget.ahead() == 0);
    CHECK(budget.may_take(2));
}
