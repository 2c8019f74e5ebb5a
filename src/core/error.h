// SPDX-License-Identifier: Apache-2.0
// Typed errors: the core returns these instead of printing or exiting; only main turns an
// Error into a message on stderr and an exit code.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tidb_backups {

// The values are the process exit codes of the contract (design.md, "Errors and exit codes").
enum class ErrorKind {
    Usage = 2,          // bad flag or value; nothing was sent
    Api = 3,            // the API answered RetCode != 0
    Network = 4,        // connection, TLS, timeout or HTTP status failure after all retries
    Response = 5,       // the body is not JSON or not the documented shape
    Config = 6,         // configuration or credentials
    Output = 7,         // stdout could not be written (disk full, closed pipe, closed stdout)
    Interrupted = 130,  // Ctrl-C (128 + SIGINT, as shells report it)
};

struct Error {
    ErrorKind kind;
    std::string message;     // one line, for a human: what failed, with which value
    std::string hint;        // optional second line: what to try
    int ret_code = 0;        // the API's RetCode, for ErrorKind::Api
    bool retryable = false;  // a later attempt may succeed (timeouts, 5xx, "try later" RetCodes)
};

inline int exit_code(ErrorKind kind) {
    return static_cast<int>(kind);
}

inline Error make_error(ErrorKind kind, std::string message, std::string hint = {}) {
    return Error{kind, std::move(message), std::move(hint), 0, false};
}

// A connection, TLS, timeout or proxy failure (exit 4), and whether another attempt may help.
inline Error make_network_error(std::string message, std::string hint, bool retryable) {
    return Error{ErrorKind::Network, std::move(message), std::move(hint), 0, retryable};
}

// A value or an Error. (std::expected is C++23; this is the small part of it we need.)
template <typename T>
class Expected {
  public:
    Expected(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
    Expected(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(state_); }
    Error& error() { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

// For operations that produce nothing but may fail.
struct Done {};
using Status = Expected<Done>;
inline Status ok() {
    return Done{};
}

}  // namespace tidb_backups
