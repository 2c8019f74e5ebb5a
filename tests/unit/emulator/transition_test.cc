// SPDX-License-Identifier: Apache-2.0
// --running-for / --then / --running-cluster: the newest backup is Running for a cluster's first
// N requests, then Success or Failed.
#include <catch2/catch.hpp>

#include "running_server.h"

using namespace tidb_backups::emulator;
using namespace tidb_backups::emulator::test;
using tidb_backups::BackupObject;

namespace {

BackupObject newest_backup() {
    return BackupObject{{"BackupId", "bk-1"},
                        {"BackupStartTime", 1764205200},
                        {"BackupEndTime", 1764207000},
                        {"State", "Success"}};
}

BackupObject as_request(const BackupTransition& transition, std::int64_t request) {
    BackupObject backup = newest_backup();
    transition.apply(backup, request);
    return backup;
}

}  // namespace

TEST_CASE("transition: Running for N requests, then the state asked for", "[transition]") {
    BackupTransition transition(TransitionOptions{2, "Failed", std::nullopt});
    CHECK(transition.enabled());
    CHECK(transition.count_request("c1") == 1);
    CHECK(transition.count_request("c1") == 2);
    CHECK(transition.count_request("c2") == 1);
    CHECK(transition.count_request("c1") == 3);

    BackupObject running = as_request(transition, 2);
    CHECK(running["State"] == "Running");
    CHECK(running["BackupEndTime"] == 0);
    CHECK(running["BackupStartTime"] == 1764205200);
    BackupObject failed = as_request(transition, 3);
    CHECK(failed["State"] == "Failed");
    CHECK(failed["BackupEndTime"] == 1764207000);
    CHECK(as_request(transition, 0) == newest_backup());
}

TEST_CASE("transition: only the cluster named, and off by default", "[transition]") {
    BackupTransition named(TransitionOptions{1, "Success", std::string("c1")});
    CHECK(named.count_request("c2") == 0);
    CHECK(named.count_request("c1") == 1);
    CHECK(as_request(named, 1)["State"] == "Running");
    CHECK(as_request(named, 2)["State"] == "Success");

    BackupTransition off(TransitionOptions{});
    CHECK_FALSE(off.enabled());
    CHECK(off.count_request("c1") == 0);
}

TEST_CASE("transition: the server answers Running, then Success, per cluster", "[transition]") {
    ServerOptions options = test_options();
    options.transition.running_for = 2;
    options.transition.then = "Success";
    RunningServer running(options);
    auto client = running.client();
    const BackupObject expected = running.server().catalog().backups("c1").front();
    auto newest = [&](const std::string& id, const std::string& offset) {
        auto body = post_json(client, signed_body(list_params(id, "3", offset)));
        return body.at("Data").at(0);
    };
    for (int request = 1; request <= 2; ++request) {
        INFO("request " << request);
        auto backup = newest("c1", "0");
        CHECK(backup["BackupId"] == expected["BackupId"]);
        CHECK(backup["State"] == "Running");
        CHECK(backup["BackupEndTime"] == 0);
    }
    auto done = newest("c1", "0");
    CHECK(done == expected);
    CHECK(done["State"] == "Success");
    // Another cluster has its own count; a page without the newest backup counts too.
    CHECK(newest("c2", "3")["State"] != "Running");
    CHECK(newest("c2", "0")["State"] == "Running");
    CHECK(newest("c2", "0")["State"] == "Success");
}

TEST_CASE("transition: the server's backup can end Failed, for one cluster only", "[transition]") {
    ServerOptions options = test_options();
    options.transition.running_for = 1;
    options.transition.then = "Failed";
    options.transition.cluster = "c1";
    RunningServer running(options);
    auto client = running.client();
    auto newest_state = [&](const std::string& id) {
        auto body = post_json(client, signed_body(list_params(id, "1", "0")));
        return body.at("Data").at(0).at("State").get<std::string>();
    };
    CHECK(newest_state("c1") == "Running");
    CHECK(newest_state("c1") == "Failed");
    CHECK(newest_state("c1") == "Failed");
    CHECK(newest_state("c2") == "Success");
}
