// SPDX-License-Identifier: Apache-2.0
// An EmulatorServer running on a loopback ephemeral port inside the test process, and signed
// requests to it through a real cpp-httplib client (as cpp-httplib's own tests do).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/form.h"
#include "core/secret.h"
#include "core/signer.h"
#include "emulator/server.h"
#include "support/eventually.h"

namespace tidb_backups::emulator::test {

inline constexpr std::int64_t kNow = 1764216000;  // 2025-11-27 04:00:00 UTC

inline ServerOptions test_options() {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.catalog.now = kNow;
    return options;
}

// bind() happens in the constructor, so the port accepts connections before run() starts:
// nothing has to wait for the server to be ready.
class RunningServer {
  public:
    explicit RunningServer(ServerOptions options = test_options()) : server_(std::move(options)) {
        auto port = server_.bind();
        if (!port) {
            throw std::runtime_error("emulator did not bind: " + port.error().message);
        }
        port_ = *port;
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() { stop(); }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    void stop() {
        server_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    EmulatorServer& server() { return server_; }
    int port() const { return port_; }

    httplib::Client client() const {
        httplib::Client client("127.0.0.1", port_);
        client.set_connection_timeout(5);
        client.set_read_timeout(5);
        return client;
    }

  private:
    EmulatorServer server_;
    int port_ = 0;
    std::thread thread_;
};

inline Params list_params(std::string id, std::optional<std::string> limit = {},
                          std::optional<std::string> offset = {}) {
    Params params = {
        {"Action", "ListTiDBClusterBackup"}, {"Region", "cn-zj"}, {"Id", std::move(id)}};
    if (limit) {
        params.emplace_back("Limit", *limit);
    }
    if (offset) {
        params.emplace_back("Offset", *offset);
    }
    return params;
}

inline std::string signed_body(Params params, std::string public_key = "demo-public-key",
                               std::string private_key = "demo-private-key") {
    Signer signer(std::move(public_key), Secret(std::move(private_key)));
    return form_encode(signer.sign(std::move(params)));
}

inline httplib::Result post(httplib::Client& client, const std::string& body) {
    return client.Post("/", body, "application/x-www-form-urlencoded");
}

// The JSON body of a 200 answer; fails the test for anything else.
inline nlohmann::ordered_json post_json(httplib::Client& client, const std::string& body) {
    auto result = post(client, body);
    if (!result) {
        throw std::runtime_error("no response: " + httplib::to_string(result.error()));
    }
    if (result->status != 200) {
        throw std::runtime_error("HTTP status " + std::to_string(result->status));
    }
    return nlohmann::ordered_json::parse(result->body);
}

using ::tidb_backups::testing::eventually;

}  // namespace tidb_backups::emulator::test
