// SPDX-License-Identifier: Apache-2.0
// `list` against the emulator: every output format parsed back and compared with what the
// emulator served, and the contract's pagination.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "core/form.h"
#include "core/signer.h"
#include "e2e.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    // A small RFC 4180 reader, enough to check what tidb-backups writes.
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
        } else {
            field.push_back(c);
        }
    }
    rows.pop_back();  // after the last newline
    return rows;
}

}  // namespace

TEST_CASE("json output is every backup exactly as the emulator served it", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(75));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "MlaMfzgZ", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto parsed = BackupObject::parse(result.out);
    auto expected = expected_backups("MlaMfzgZ", 75);
    REQUIRE(parsed.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(parsed[i] == expected[i]);
        CHECK(parsed[i].dump() == expected[i].dump());  // key order too
    }
    // 75 backups at the default page size of 30: three requests.
    CHECK(emulator.stats()["requests"] == 3);
}

TEST_CASE("ndjson output is one served object per line", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(12));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "ndjson", "--page-size", "5"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    auto expected = expected_backups("c1", 12);
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CHECK(BackupObject::parse(lines[i]) == expected[i]);
    }
    CHECK(emulator.stats()["requests"] == 3);
}

TEST_CASE("csv and tsv carry the documented fields with raw values", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(9));
    Cli cli(emulator);
    // What the emulator serves for c1 (9 backups, its clock at kNow), newest first: written out
    // once from an independent computation of its catalog (SHA1 of "c1/<serial>" by Python's
    // hashlib), not by the project's code.
    const std::vector<std::string> header = {"BackupId",   "BackupStartTime", "BackupEndTime",
                                             "BackupSize", "State",           "BackupType"};
    const std::vector<std::vector<std::string>> rows = {
        {"bk-cdff2a1460", "1794989200", "1794993954", "5342", "Success", "Automatic"},
        {"bk-5cc4e4d376", "1794901147", "1794904540", "27558", "Success", "Automatic"},
        {"bk-f721ca23f7", "1794815293", "1794819870", "38026", "Failed", "Automatic"},
        {"bk-0a53662a50", "1794728923", "1794733623", "10101", "Success", "Automatic"},
        {"bk-549da394d7", "1794641470", "1794642241", "40801", "Success", "Automatic"},
        {"bk-33c63a4613", "1794555663", "1794561001", "25320", "Success", "Automatic"},
        {"bk-123cf80897", "1794469650", "1794473514", "43911", "Success", "Automatic"},
        {"bk-c751deeb02", "1794382309", "1794386234", "28355", "Success", "Automatic"},
        {"bk-365380dbee", "1794297931", "1794299429", "12300", "Success", "Automatic"},
    };

    auto csv = cli.run({"list", "--id", "c1", "-o", "csv"});
    INFO(csv.describe());
    REQUIRE(csv.exit_code == 0);
    auto parsed = parse_csv(csv.out);
    REQUIRE(parsed.size() == rows.size() + 1);
    CHECK(parsed[0] == header);
    CHECK(documented_fields() == header);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(parsed[i + 1] == rows[i]);
    }

    auto tsv = cli.run({"list", "--id", "c1", "-o", "tsv", "--no-headers"});
    REQUIRE(tsv.exit_code == 0);
    auto lines = lines_of(tsv.out);
    REQUIRE(lines.size() == rows.size());
    CHECK(lines[0] == "bk-cdff2a1460\t1794989200\t1794993954\t5342\tSuccess\tAutomatic");
    CHECK(lines[2] == "bk-f721ca23f7\t1794815293\t1794819870\t38026\tFailed\tAutomatic");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string want;
        for (std::size_t f = 0; f < rows[i].size(); ++f) {
            want += (f ? "\t" : "") + rows[i][f];  // nothing here needs a tsv escape
        }
        CHECK(lines[i] == want);
    }
    // The catalog the other tests compare with agrees with the literal rows.
    auto expected = expected_backups("c1", 9);
    REQUIRE(expected.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(backup_id(expected[i]) == rows[i][0]);
    }
}

TEST_CASE("the default table shows every backup under a header", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(8));
    Cli cli(emulator);
    auto result = cli.run({"list", "--region", "cn-zj", "--id", "MlaMfzgZ"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto lines = lines_of(result.out);
    auto expected = expected_backups("MlaMfzgZ", 8);
    REQUIRE(lines.size() == expected.size() + 1);
    CHECK(lines[0].rfind("BACKUP ID", 0) == 0);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(lines[i + 1].rfind(backup_id(expected[i]) + " ", 0) == 0);
        CHECK(lines[i + 1].find(field_text(expected[i], "State")) != std::string::npos);
    }
}

TEST_CASE("an empty result: table says so on stderr, json is []", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(0));
    Cli cli(emulator);
    auto table = cli.run({"list", "--id", "empty"});
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.empty());
    CHECK(table.err == "No backups found.\n");
    auto json = cli.run({"list", "--id", "empty", "-o", "json"});
    REQUIRE(json.exit_code == 0);
    CHECK(json.out == "[]\n");
}

TEST_CASE("option --limit 7 --offset 7 is exactly one request Limit=7&Offset=7",
          "[e2e][list][paging]") {
    EmulatorProcess emulator(emulator_args(20));
    Cli cli(emulator);
    auto result =
        cli.run({"list", "--id", "MlaMfzgZ", "--limit", "7", "--offset", "7", "-o", "ndjson"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto stats = emulator.stats();
    REQUIRE(stats["requests"] == 1);
    CHECK(stats["recent"][0]["Limit"] == 7);
    CHECK(stats["recent"][0]["Offset"] == 7);
    auto expected = expected_backups("MlaMfzgZ", 20);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 7);
    for (std::size_t i = 0; i < 7; ++i) {
        CHECK(BackupObject::parse(lines[i]) == expected[7 + i]);
    }
}

TEST_CASE("option --limit 40 --offset 5 returns backups 5..44 in two requests",
          "[e2e][list][paging]") {
    EmulatorProcess emulator(emulator_args(100));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "big", "--limit", "40", "--offset", "5", "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto parsed = BackupObject::parse(result.out);
    auto expected = expected_backups("big", 100);
    REQUIRE(parsed.size() == 40);
    CHECK(parsed.front() == expected[5]);
    CHECK(parsed.back() == expected[44]);
    auto stats = emulator.stats();
    REQUIRE(stats["requests"] == 2);
    CHECK(stats["recent"][0]["Limit"] == 30);
    CHECK(stats["recent"][0]["Offset"] == 5);
    CHECK(stats["recent"][1]["Limit"] == 10);
    CHECK(stats["recent"][1]["Offset"] == 35);
    // The API never sees a Limit above 30.
    for (const auto& request : stats["recent"]) {
        CHECK(request["Limit"].get<int>() <= 30);
    }
}

TEST_CASE("every shape of response the API is known to send is accepted", "[e2e][list][response]") {
    const std::vector<std::vector<std::string>> variants = {{"--shape", "object"},
                                                            {"--shape", "backupdata"},
                                                            {"--retcode-as-string"},
                                                            {"--omit-total-count"}};
    for (const auto& variant : variants) {
        INFO(variant[0]);
        EmulatorProcess emulator(emulator_args(31, variant));
        Cli cli(emulator);
        auto result = cli.run({"list", "--id", "c1", "-o", "json"});
        INFO(result.describe());
        REQUIRE(result.exit_code == 0);
        auto parsed = BackupObject::parse(result.out);
        auto expected = expected_backups("c1", 31);
        REQUIRE(parsed.size() == expected.size());
        CHECK(parsed.back() == expected.back());
    }
}

TEST_CASE("a single backup sent as an object, and the document's empty BackupData",
          "[e2e][list][response]") {
    EmulatorProcess object(emulator_args(1, {"--shape", "object"}));
    auto one = Cli(object).run({"list", "--id", "solo", "-o", "json"});
    INFO(one.describe());
    REQUIRE(one.exit_code == 0);
    CHECK(BackupObject::parse(one.out).size() == 1);

    EmulatorProcess example(emulator_args(0, {"--shape", "backupdata"}));
    auto none = Cli(example).run({"list", "--id", "none", "-o", "json"});
    REQUIRE(none.exit_code == 0);
    CHECK(none.out == "[]\n");
}

TEST_CASE("backups appearing while paging: nothing lost, nothing twice", "[e2e][list][paging]") {
    // After the first request, 4 newer backups appear at the front and push the rest down.
    EmulatorProcess emulator(emulator_args(50, {"--grow-after", "1", "--grow-by", "4"}));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "-o", "json", "--page-size", "10"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto ids = ids_of(BackupObject::parse(result.out).get<std::vector<BackupObject>>());
    std::set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
    // Every backup that existed when the listing started is there.
    for (const auto& id : ids_of(expected_backups("c1", 50))) {
        CHECK(unique.count(id) == 1);
    }
}

TEST_CASE("an id with reserved and non-ASCII characters arrives unchanged and verifies",
          "[e2e][list][signing]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    const std::string id = "a+b c/d@e&f=1%20\xE5\xA4\x87\xE4\xBB\xBD";
    auto result = cli.run({"list", "--id", id, "-o", "json"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto parsed = BackupObject::parse(result.out);
    CHECK(parsed == BackupObject(expected_backups(id, 3)));
    auto stats = emulator.stats();
    CHECK(stats["signature_failures"] == 0);
    CHECK(stats["recent"][0]["Id"] == id);
}

TEST_CASE("option --project-id is sent and signed", "[e2e][list][signing]") {
    EmulatorProcess emulator(emulator_args(2));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "c1", "--project-id", "org-42", "-o", "json"});
    INFO(result.describe());
    CHECK(result.exit_code == 0);
    CHECK(emulator.stats()["signature_failures"] == 0);
}

TEST_CASE("option --dry-run prints the signed request and sends nothing", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(5));
    Cli cli(emulator);
    auto result =
        cli.run({"list", "--id", "MlaMfzgZ", "--limit", "7", "--offset", "7", "--dry-run"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(emulator.stats()["requests"] == 0);
    CHECK(result.out.rfind("POST " + emulator.url() + "/\n", 0) == 0);
    auto lines = lines_of(result.out);
    const std::string& body = lines.back();
    CHECK(body.rfind(
              "Action=ListTiDBClusterBackup&Region=cn-zj&Id=MlaMfzgZ&Limit=7&Offset=7&PublicKey=",
              0) == 0);
    // The printed signature is the one the server would verify.
    auto params = form_decode(body);
    REQUIRE(params);
    CHECK(params->back().first == "Signature");
    CHECK(signature_of(*params, kPrivateKey) == params->back().second);
}

TEST_CASE("several ids: output in the order given, with a ClusterId column", "[e2e][list]") {
    EmulatorProcess emulator(emulator_args(3));
    Cli cli(emulator);
    auto result = cli.run({"list", "--id", "zeta", "--id", "alpha", "-o", "ndjson"});
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 6);
    auto first = BackupObject::parse(lines[0]);
    CHECK(first.begin().key() == "ClusterId");
    CHECK(first["ClusterId"] == "zeta");
    CHECK(BackupObject::parse(lines[5])["ClusterId"] == "alpha");
}
