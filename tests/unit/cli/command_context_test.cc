// SPDX-License-Identifier: Apache-2.0
// `list` and `check` take the world from their CommandContext: check judges at the context's
// clock, list asks the context's environment whether the progress line may be drawn. Both run
// against a scripted API on loopback.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/check_command.h"
#include "cli/list_command.h"
#include "support/scripted_server.h"

using namespace tidb_backups;
using testing::Peer;
using testing::ScriptedServer;

namespace {

constexpr std::int64_t kStart = 1795000000;  // the one backup's BackupStartTime

// The Offset a signed list request asks for (0 when it names none).
int offset_of(const std::string& body) {
    std::size_t at = body.find("Offset=");
    return at == std::string::npos ? 0 : std::stoi(body.substr(at + 7));
}

// Answers every request on the connection with one page of one backup out of `total`: the one at
// the request's Offset, called bk-<Offset + 1>, started at kStart.
ScriptedServer api_with_backups(int total) {
    return ScriptedServer([total](Peer& peer) {
        for (;;) {
            testing::WireRequest request = peer.read_request();
            if (request.head.empty()) {
                return;
            }
            std::string body = fmt::format(
                R"({{"RetCode":0,"TotalCount":{},"Data":[{{"BackupId":"bk-{}","BackupStartTime":{},)"
                R"("BackupEndTime":{},"BackupSize":10,"State":"Success","BackupType":"Manual"}}]}})",
                total, offset_of(request.body) + 1, kStart, kStart + 60);
            if (!peer.send(fmt::format("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                       "Content-Length: {}\r\n\r\n{}",
                                       body.size(), body))) {
                return;
            }
        }
    });
}

Settings settings_for(const ScriptedServer& server) {
    Settings settings;
    settings.region = "cn-zj";
    settings.public_key = "public";
    settings.private_key = Secret("private");
    settings.endpoint = *parse_endpoint(server.url());
    settings.retries = 0;
    return settings;
}

Getenv environment(std::map<std::string, std::string> variables) {
    return [variables](const char* name) -> std::optional<std::string> {
        auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
}

struct Run {
    int code = -1;
    std::string out;
    std::string err;
};

Run check_at(std::int64_t now) {
    ScriptedServer server = api_with_backups(1);
    CheckPlan plan;
    plan.clusters = {{"c1", ""}};
    plan.rule.max_age = 26 * 3600;
    plan.rule.max_age_text = "26h";
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    CommandContext context{in, out, err, environment({})};
    context.clock = [now] { return now; };
    Run run;
    run.code = run_check(settings_for(server), plan, context);
    run.out = out.str();
    run.err = err.str();
    return run;
}

Run list_with(const Getenv& getenv) {
    ScriptedServer server = api_with_backups(4);
    ListPlan plan;
    plan.clusters = {{"c1", ""}};
    plan.page_size = 1;
    plan.concurrency = 1;
    plan.render.format = OutputFormat::Tsv;
    plan.render.headers = false;
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    CommandContext context{in, out, err, getenv};
    context.err_is_terminal = true;
    Run run;
    run.code = run_list(settings_for(server), plan, context);
    run.out = out.str();
    run.err = err.str();
    return run;
}

}  // namespace

TEST_CASE("check judges at the context's clock", "[context][check]") {
    SECTION("a clock 3h12m after the backup: fresh") {
        Run run = check_at(kStart + 3 * 3600 + 12 * 60 + 5);
        CHECK(run.code == 0);
        CHECK(run.out == "OK: newest Success backup bk-1 is 3h12m old\n");
        CHECK(run.err == "");
    }
    SECTION("a clock 2d04h after the backup: stale") {
        Run run = check_at(kStart + 2 * 86400 + 4 * 3600 + 30);
        CHECK(run.code == 1);
        CHECK(run.out == "STALE: newest Success backup bk-1 is 2d04h old (max 26h)\n");
    }
    SECTION("a clock an hour before the backup: it is passed over as from the future") {
        Run run = check_at(kStart - 3600);
        CHECK(run.code == 1);
        CHECK(run.out.rfind("STALE: no Success backup has a usable start time", 0) == 0);
    }
}

TEST_CASE("list asks the context's environment before drawing the progress line",
          "[context][list]") {
    const std::string rows =
        "bk-1\t1795000000\t1795000060\t10\tSuccess\tManual\n"
        "bk-2\t1795000000\t1795000060\t10\tSuccess\tManual\n"
        "bk-3\t1795000000\t1795000060\t10\tSuccess\tManual\n"
        "bk-4\t1795000000\t1795000060\t10\tSuccess\tManual\n";
    Run drawn = list_with(environment({{"TERM", "xterm"}}));
    CHECK(drawn.code == 0);
    CHECK(drawn.err.rfind("\r\x1b[Kfetched ", 0) == 0);  // drawn, then erased at the end
    CHECK(drawn.err.ends_with("\r\x1b[K"));
    CHECK(drawn.out == rows);

    Run dumb = list_with(environment({{"TERM", "dumb"}}));
    CHECK(dumb.code == 0);
    CHECK(dumb.err == "");
    CHECK(dumb.out == rows);
}
