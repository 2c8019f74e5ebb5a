// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 on the wire, shared by the client transport and the emulator's server: heads found
// and parsed within a byte bound, bodies delimited by Content-Length, the chunked coding or the
// end of the connection, each within a bound of its own. Bytes in, values out: no sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tidb_backups::http {

// A head (status or request line and headers) longer than this is refused: real ones are a few
// hundred bytes, and a peer that never ends its headers must not fill memory.
inline constexpr std::size_t kMaxHeadBytes = std::size_t{64} * 1024;

struct Header {
    std::string name;
    std::string value;
};

class Headers {
  public:
    // Returns the value as stored, valid until the next add (for a folded continuation line).
    std::string& add(std::string name, std::string value);
    // The first value of `name` (compared in any case), or nullptr.
    const std::string* find(std::string_view name) const;
    // Every value of `name`, in the order received.
    std::vector<std::string_view> all(std::string_view name) const;
    // Whether a comma-separated header (Connection, Transfer-Encoding) names `token`, any case.
    bool has_token(std::string_view name, std::string_view token) const;
    const std::vector<Header>& items() const { return items_; }

  private:
    std::vector<Header> items_;
};

struct ResponseHead {
    int minor_version = 1;  // HTTP/1.<minor>
    int status = 0;
    std::string reason;
    Headers headers;
};

struct RequestHead {
    std::string method;
    std::string target;
    int minor_version = 1;
    Headers headers;
};

// Where the head at the start of `buffer` ends: its length up to and including the empty line
// (CRLF CRLF, or LF LF as lenient peers send). nullopt while it is incomplete. `from` says how
// much of `buffer` was searched before, so a head that trickles in is scanned once, not again
// for every byte.
std::optional<std::size_t> find_head_end(std::string_view buffer, std::size_t from = 0);

// Parse the bytes find_head_end delimited. Errors (ErrorKind::Network) say what is wrong,
// without the peer's bytes beyond a short printable excerpt.
Expected<ResponseHead> parse_response_head(std::string_view head);
Expected<RequestHead> parse_request_head(std::string_view head);

// How a message's body is delimited.
struct Framing {
    enum class Kind { None, Length, Chunked, UntilClose };
    Kind kind = Kind::None;
    std::uint64_t length = 0;  // Kind::Length
};

// 1xx, 204 and 304 have no body; then Transfer-Encoding: chunked, Content-Length, or (a
// response only) the end of the connection. Conflicting or malformed lengths are errors.
Expected<Framing> response_framing(const ResponseHead& head);
Expected<Framing> request_framing(const RequestHead& head);

// Whether the connection may carry another message after this one: HTTP/1.1 unless
// "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
bool keeps_alive(int minor_version, const Headers& headers);

// Takes a body off the front of the bytes that follow a head, whatever way it is framed.
class BodyReader {
  public:
    BodyReader(Framing framing, std::size_t max_body);

    // Appends the payload found at the front of `input` to `body` and returns how many bytes of
    // `input` belonged to this message (what follows is the next one). Errors: a chunked coding
    // that is malformed (ErrorKind::Network), a body over max_body (ErrorKind::Response).
    Expected<std::size_t> feed(std::string_view input, std::string& body);

    bool done() const { return state_ == State::Done; }

    // The peer closed the connection: the end of a body framed by it, an error for any other.
    Status end_of_input();

  private:
    enum class State { SizeLine, Data, DataEnd, Trailers, UntilClose, Done };

    Expected<std::size_t> feed_chunked(std::string_view input, std::string& body);
    Error too_large() const;

    Framing framing_;
    std::size_t max_body_;
    State state_;
    std::uint64_t remaining_ = 0;  // of the current chunk or of a Content-Length body
    std::string line_;             // a chunk-size or trailer line being assembled
    std::size_t trailer_bytes_ = 0;
};

// "POST /x HTTP/1.1\r\nName: value\r\n...\r\n\r\n" followed by the body; Content-Length is the
// caller's to add.
std::string format_request(std::string_view method, std::string_view target,
                           const std::vector<Header>& headers, std::string_view body);

// "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n".
std::string format_response_head(int status, std::string_view reason,
                                 const std::vector<Header>& headers);

// The reason phrase HTTP gives a status ("Service Unavailable"); `unknown` for a status without
// one here.
std::string_view reason_phrase(int status, std::string_view unknown = "Unknown");

}  // namespace tidb_backups::http
