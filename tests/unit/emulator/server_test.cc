// SPDX-License-Identifier: Apache-2.0
// The API as the emulator serves it: signatures, parameters, paging, shapes, counters.
#include <catch2/catch.hpp>

#include "running_server.h"
#include "support/temp_dir.h"
#include "support/tls_cert.h"

using namespace tidb_backups::emulator;
using namespace tidb_backups::emulator::test;
using tidb_backups::BackupObject;

namespace {

std::vector<BackupObject> data_of(const nlohmann::ordered_json& body) {
    return body.at("Data").get<std::vector<BackupObject>>();
}

}  // namespace

TEST_CASE("a signed request gets its page and the total count", "[server]") {
    RunningServer running;
    auto client = running.client();
    auto body = post_json(client, signed_body(list_params("MlaMfzgZ", "3", "0")));
    CHECK(body["Action"] == "ListTiDBClusterBackupResponse");
    CHECK(body["RetCode"] == 0);
    CHECK(body["TotalCount"] == 8);
    CHECK(data_of(body) == running.server().catalog().page("MlaMfzgZ", 0, 3));
    std::vector<std::string> keys;
    for (const auto& item : body.items()) {
        keys.push_back(item.key());
    }
    CHECK(keys == std::vector<std::string>{"Action", "RetCode", "TotalCount", "Data"});
}

TEST_CASE("paging with Offset walks the whole list", "[server]") {
    RunningServer running;
    auto client = running.client();
    std::vector<BackupObject> collected;
    for (int offset = 0; offset < 8; offset += 3) {
        auto body = post_json(client, signed_body(list_params("c1", "3", std::to_string(offset))));
        auto page = data_of(body);
        CHECK(page.size() == static_cast<std::size_t>(std::min(3, 8 - offset)));
        collected.insert(collected.end(), page.begin(), page.end());
    }
    CHECK(collected == running.server().catalog().backups("c1"));

    // The document's example: Limit=7&Offset=7 of 8 is the last backup.
    auto body = post_json(client, signed_body(list_params("c1", "7", "7")));
    CHECK(data_of(body) == std::vector<BackupObject>{collected.back()});
    CHECK(data_of(post_json(client, signed_body(list_params("c1", "7", "8")))).empty());
}

TEST_CASE("without Limit a page holds 20 backups", "[server]") {
    ServerOptions options = test_options();
    options.catalog.counts["big"] = 25;
    RunningServer running(options);
    auto client = running.client();
    auto body = post_json(client, signed_body(list_params("big")));
    CHECK(body["TotalCount"] == 25);
    CHECK(data_of(body).size() == kDefaultLimit);
}

TEST_CASE("a GET with the parameters in the query string works too", "[server]") {
    RunningServer running;
    auto client = running.client();
    auto result = client.Get("/?" + signed_body(list_params("MlaMfzgZ", "7", "7")));
    REQUIRE(result);
    auto body = nlohmann::ordered_json::parse(result->body);
    CHECK(body["RetCode"] == 0);
    CHECK(data_of(body) == running.server().catalog().page("MlaMfzgZ", 7, 7));
}

TEST_CASE("a bad signature is RetCode 171", "[server]") {
    RunningServer running;
    auto client = running.client();
    auto params = list_params("MlaMfzgZ", "3");
    SECTION("wrong private key") {
        auto body = post_json(client, signed_body(params, "demo-public-key", "other-key"));
        CHECK(body["RetCode"] == 171);
        CHECK(body["Message"] == "Signature VerifyAC Error");
    }
    SECTION("unknown public key") {
        auto body = post_json(client, signed_body(params, "someone-else", "demo-private-key"));
        CHECK(body["RetCode"] == 171);
    }
    SECTION("no signature") {
        params.emplace_back("PublicKey", "demo-public-key");
        auto body = post_json(client, tidb_backups::form_encode(params));
        CHECK(body["RetCode"] == 171);
    }
    SECTION("a parameter changed after signing") {
        std::string body = signed_body(params);
        body.replace(body.find("Limit=3"), 7, "Limit=4");
        CHECK(post_json(client, body)["RetCode"] == 171);
    }
    CHECK(running.server().stats().signature_failures == 1);
}

TEST_CASE("parameter errors carry the API's RetCodes", "[server]") {
    RunningServer running;
    auto client = running.client();
    auto ret_code = [&](tidb_backups::Params params) {
        auto body = post_json(client, signed_body(std::move(params)));
        return std::make_pair(body["RetCode"].get<int>(), body.value("Message", std::string()));
    };
    using Answer = std::pair<int, std::string>;
    CHECK(ret_code(list_params("x", "31")) == Answer{230, "Params [Limit] not available"});
    CHECK(ret_code(list_params("x", "-1")) == Answer{230, "Params [Limit] not available"});
    CHECK(ret_code(list_params("x", "ten")) == Answer{230, "Params [Limit] not available"});
    CHECK(ret_code(list_params("x", "5", "-1")) == Answer{230, "Params [Offset] not available"});
    CHECK(ret_code(list_params("x", "5", "1.5")) == Answer{230, "Params [Offset] not available"});
    CHECK(ret_code({{"Action", "ListTiDBClusterBackup"}, {"Id", "x"}}) ==
          Answer{160, "Missing params [Region]"});
    CHECK(ret_code({{"Action", "ListTiDBClusterBackup"}, {"Region", "cn-zj"}, {"Id", ""}}) ==
          Answer{160, "Missing params [Id]"});
    CHECK(ret_code({{"Action", "DescribeUHost"}, {"Region", "cn-zj"}, {"Id", "x"}}) ==
          Answer{161, "Action [DescribeUHost] not found"});
    // Limit 30 and 0 are both allowed.
    CHECK(ret_code(list_params("x", "30")).first == 0);
    CHECK(ret_code(list_params("x", "0")).first == 0);
}

TEST_CASE("response shape variants", "[server]") {
    ServerOptions options = test_options();
    SECTION("Data as an object when the page has one backup") {
        options.shape = ResponseShape::Object;
        RunningServer running(options);
        auto client = running.client();
        auto one = post_json(client, signed_body(list_params("x", "1", "2")));
        REQUIRE(one["Data"].is_object());
        CHECK(one["Data"] == running.server().catalog().page("x", 2, 1).at(0));
        CHECK(post_json(client, signed_body(list_params("x", "2")))["Data"].is_array());
    }
    SECTION("BackupData, {} when empty") {
        options.shape = ResponseShape::BackupData;
        RunningServer running(options);
        auto client = running.client();
        auto empty = post_json(client, signed_body(list_params("x", "7", "8")));
        CHECK(empty["BackupData"] == nlohmann::ordered_json::object());
        CHECK_FALSE(empty.contains("Data"));
        CHECK(empty["TotalCount"] == 8);
        auto full = post_json(client, signed_body(list_params("x", "2")));
        CHECK(full["BackupData"].get<std::vector<BackupObject>>() ==
              running.server().catalog().page("x", 0, 2));
    }
    SECTION("RetCode as a string, also in errors") {
        options.ret_code_as_string = true;
        RunningServer running(options);
        auto client = running.client();
        CHECK(post_json(client, signed_body(list_params("x", "2")))["RetCode"] == "0");
        CHECK(post_json(client, signed_body(list_params("x", "31")))["RetCode"] == "230");
    }
    SECTION("no TotalCount") {
        options.omit_total_count = true;
        RunningServer running(options);
        auto client = running.client();
        auto body = post_json(client, signed_body(list_params("x", "2")));
        CHECK_FALSE(body.contains("TotalCount"));
        CHECK(body["Data"].size() == 2);
    }
}

TEST_CASE("stats count requests and kept-alive connections", "[server]") {
    RunningServer running;
    auto stats = [&] {
        auto client = running.client();
        auto result = client.Get("/_emulator/stats");
        REQUIRE(result);
        return nlohmann::ordered_json::parse(result->body);
    };
    {
        auto kept_alive = running.client();
        kept_alive.set_keep_alive(true);
        post_json(kept_alive, signed_body(list_params("a", "7", "0")));
        post_json(kept_alive, signed_body(list_params("a", "7", "7")));
    }
    auto after_two = stats();
    CHECK(after_two["requests"] == 2);
    CHECK(after_two["connections"] == 1);

    {
        auto closing = running.client();  // without keep-alive: a connection per request
        post_json(closing, signed_body(list_params("b")));
        post_json(closing, signed_body(list_params("c", "x"), "other", "key"));
    }
    auto after_four = stats();
    CHECK(after_four["requests"] == 4);  // the stats requests themselves do not count
    CHECK(after_four["connections"] == 3);
    CHECK(after_four["signature_failures"] == 1);
    nlohmann::ordered_json expected = nlohmann::ordered_json::parse(R"([
        {"Id":"a","Limit":7,"Offset":0,"Region":"cn-zj"},
        {"Id":"a","Limit":7,"Offset":7,"Region":"cn-zj"},
        {"Id":"b","Limit":null,"Offset":null,"Region":"cn-zj"},
        {"Id":"c","Limit":"x","Offset":null,"Region":"cn-zj"}])");
    CHECK(after_four["recent"] == expected);
    CHECK(running.server().stats().requests == 4);
}

TEST_CASE("only loopback hosts are served", "[server]") {
    ServerOptions options = test_options();
    options.host = "0.0.0.0";
    EmulatorServer server(options);
    auto port = server.bind();
    REQUIRE_FALSE(port);
    CHECK(port.error().kind == tidb_backups::ErrorKind::Usage);
}

TEST_CASE("a port in use is a Network error", "[server]") {
    RunningServer first;
    ServerOptions options = test_options();
    options.port = first.port();
    EmulatorServer second(options);
    auto port = second.bind();
    REQUIRE_FALSE(port);
    CHECK(port.error().kind == tidb_backups::ErrorKind::Network);
    CHECK(port.error().message.find(std::to_string(first.port())) != std::string::npos);
}

TEST_CASE("HTTPS with a given certificate", "[server][https]") {
    tidb_backups::testing::TempDir dir;
    auto pem = tidb_backups::testing::make_self_signed({"localhost"}, {"127.0.0.1"});
    ServerOptions options = test_options();
    options.cert_file = dir.write_file("cert.pem", pem.cert_pem);
    options.key_file = dir.write_file("key.pem", pem.key_pem);
    RunningServer running(options);
    CHECK(running.server().is_https());

    httplib::Client client("https://127.0.0.1:" + std::to_string(running.port()));
    client.set_ca_cert_path(options.cert_file);
    client.enable_server_certificate_verification(true);
    auto result = post(client, signed_body(list_params("x", "2")));
    REQUIRE(result);
    CHECK(nlohmann::ordered_json::parse(result->body)["Data"].size() == 2);
}

TEST_CASE("an unusable certificate is a Usage error", "[server][https]") {
    tidb_backups::testing::TempDir dir;
    ServerOptions options = test_options();
    options.key_file = dir.write_file("key.pem", "not a key");
    SECTION("missing file") {
        options.cert_file = dir.file("missing.pem");
    }
    SECTION("not PEM") {
        options.cert_file = dir.write_file("cert.pem", "not a certificate");
    }
    EmulatorServer server(options);
    auto port = server.bind();
    REQUIRE_FALSE(port);
    CHECK(port.error().kind == tidb_backups::ErrorKind::Usage);
}

TEST_CASE("stats answer valid JSON whatever bytes the parameters held", "[server][stats]") {
    RunningServer running;
    auto client = running.client();
    // An Id and a Region that are not UTF-8, sent percent-encoded as any form value is.
    auto params = list_params(std::string("c\xff\xfe\x80", 4), "3");
    params[1].second = std::string("cn-\xc3", 4);
    CHECK(post_json(client, signed_body(params))["RetCode"] == 0);

    auto result = client.Get("/_emulator/stats");
    REQUIRE(result);
    CHECK(result->status == 200);
    REQUIRE(nlohmann::json::accept(result->body));
    auto stats = nlohmann::ordered_json::parse(result->body);
    CHECK(stats["requests"] == 1);
    CHECK(stats["recent"][0]["Id"] == "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(stats["recent"][0]["Region"] == "cn-\xEF\xBF\xBD");
    // The server's own record keeps the bytes as sent.
    CHECK(*running.server().stats().recent.at(0).id == std::string("c\xff\xfe\x80", 4));
}

TEST_CASE("an Action that is not UTF-8 is named back in a valid answer", "[server][stats]") {
    RunningServer running;
    auto client = running.client();
    auto body = post_json(
        client,
        signed_body({{"Action", std::string("List\xff", 5)}, {"Region", "cn-zj"}, {"Id", "x"}}));
    CHECK(body["RetCode"] == 161);
    CHECK(body["Action"] == "List\xEF\xBF\xBDResponse");
    CHECK(body["Message"] == "Action [List\xEF\xBF\xBD] not found");
}

TEST_CASE("an Offset near INT64_MAX is an empty page", "[server][bounds]") {
    RunningServer running;
    auto client = running.client();
    for (std::string offset : {"9223372036854775807", "9223372036854775777"}) {
        auto body = post_json(client, signed_body(list_params("x", "30", offset)));
        CHECK(body["RetCode"] == 0);
        CHECK(body["TotalCount"] == 8);
        CHECK(data_of(body).empty());
    }
    auto beyond = post_json(client, signed_body(list_params("x", "30", "9223372036854775808")));
    CHECK(beyond["RetCode"] == 230);
}

TEST_CASE("the most backups and the most growth are served at both ends of the list",
          "[server][bounds]") {
    ServerOptions options = test_options();
    options.catalog.default_count = kMaxBackups;
    options.faults.grow_after = 0;
    options.faults.grow_by = kMaxBackups;
    RunningServer running(options);
    auto client = running.client();
    for (std::string offset : {"0", "199999990"}) {
        auto body = post_json(client, signed_body(list_params("x", "30", offset)));
        CHECK(body["RetCode"] == 0);
        CHECK(body["TotalCount"] == 200'000'000);
        CHECK(data_of(body).size() == 10 + (offset == "0" ? 20 : 0));
    }
}
