// SPDX-License-Identifier: Apache-2.0
// The body half of http_wire.h: BodyReader, for Content-Length, chunked and until-close bodies.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/http_text.h"
#include "core/http_wire.h"

namespace tidb_backups::http {

namespace {

// A chunk-size line is a few hex digits and perhaps an extension; this is plenty.
constexpr std::size_t kMaxChunkLine = 4096;

}  // namespace

BodyReader::BodyReader(Framing framing, std::size_t max_body)
    : framing_(framing), max_body_(max_body), state_(State::Data) {
    switch (framing.kind) {
        case Framing::Kind::None:
            state_ = State::Done;
            break;
        case Framing::Kind::Length:
            remaining_ = framing.length;
            state_ = remaining_ == 0 ? State::Done : State::Data;
            break;
        case Framing::Kind::Chunked:
            state_ = State::SizeLine;
            break;
        case Framing::Kind::UntilClose:
            state_ = State::UntilClose;
            break;
    }
}

Error BodyReader::too_large() const {
    return make_error(ErrorKind::Response,
                      fmt::format("the body is larger than {} bytes", max_body_));
}

Expected<std::size_t> BodyReader::feed(std::string_view input, std::string& body) {
    switch (framing_.kind) {
        case Framing::Kind::None:
            return std::size_t{0};
        case Framing::Kind::Length: {
            if (framing_.length > max_body_) {
                return too_large();
            }
            auto take = static_cast<std::size_t>(
                std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(input.size())));
            body.append(input.substr(0, take));
            remaining_ -= take;
            if (remaining_ == 0) {
                state_ = State::Done;
            }
            return take;
        }
        case Framing::Kind::UntilClose:
            if (body.size() + input.size() > max_body_) {
                return too_large();
            }
            body.append(input);
            return input.size();
        case Framing::Kind::Chunked:
            break;
    }
    return feed_chunked(input, body);
}

Expected<std::size_t> BodyReader::feed_chunked(std::string_view input, std::string& body) {
    std::size_t at = 0;
    // Collects one line into line_; true once its LF has been seen (line_ then holds it
    // without the LF), false when the input ran out first.
    auto take_line = [&](std::size_t bound) -> Expected<bool> {
        std::size_t newline = input.find('\n', at);
        std::size_t end = newline == std::string_view::npos ? input.size() : newline;
        line_.append(input.substr(at, end - at));
        at = newline == std::string_view::npos ? input.size() : newline + 1;
        if (line_.size() > bound) {
            return wire_error("a malformed chunked body (a line too long)");
        }
        return newline != std::string_view::npos;
    };
    while (state_ != State::Done && at < input.size()) {
        switch (state_) {
            case State::SizeLine: {
                Expected<bool> line = take_line(kMaxChunkLine);
                if (!line) {
                    return line.error();
                }
                if (!*line) {
                    break;
                }
                std::string_view text = line_;
                if (!text.empty() && text.back() == '\r') {
                    text.remove_suffix(1);
                }
                std::uint64_t size = 0;
                std::size_t digits = 0;
                for (; digits < text.size(); ++digits) {
                    char c = ascii_lower(text[digits]);
                    int value = c >= '0' && c <= '9'   ? c - '0'
                                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                       : -1;
                    if (value < 0) {
                        break;
                    }
                    if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
                        return too_large();
                    }
                    size = size * 16 + static_cast<std::uint64_t>(value);
                }
                std::string_view after = trim_ows(text.substr(digits));
                if (digits == 0 || (!after.empty() && after.front() != ';')) {
                    return wire_error(fmt::format("a malformed chunk size '{}'", excerpt(text)));
                }
                line_.clear();
                if (size == 0) {
                    state_ = State::Trailers;
                    trailer_bytes_ = 0;
                    break;
                }
                if (size > max_body_ - std::min(max_body_, body.size())) {
                    return too_large();
                }
                remaining_ = size;
                state_ = State::Data;
                break;
            }
            case State::Data: {
                std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(
                    remaining_, static_cast<std::uint64_t>(input.size() - at)));
                body.append(input.substr(at, take));
                at += take;
                remaining_ -= take;
                if (remaining_ == 0) {
                    state_ = State::DataEnd;
                }
                break;
            }
            case State::DataEnd: {
                Expected<bool> line = take_line(1);
                if (!line) {
                    return line.error();
                }
                if (*line) {
                    if (!line_.empty() && line_ != "\r") {
                        return wire_error("a malformed chunked body (no line end after a chunk)");
                    }
                    line_.clear();
                    state_ = State::SizeLine;
                }
                break;
            }
            case State::Trailers: {
                std::size_t before = at;
                Expected<bool> line = take_line(kMaxHeadBytes);
                if (!line) {
                    return line.error();
                }
                trailer_bytes_ += at - before;
                if (trailer_bytes_ > kMaxHeadBytes) {
                    return wire_error("the trailers of a chunked body are too large");
                }
                if (*line) {
                    bool blank = line_.empty() || line_ == "\r";
                    line_.clear();
                    if (blank) {
                        state_ = State::Done;
                    }
                }
                break;
            }
            case State::UntilClose:
            case State::Done:
                break;
        }
    }
    return at;
}

Status BodyReader::end_of_input() {
    if (state_ == State::UntilClose || state_ == State::Done) {
        state_ = State::Done;
        return ok();
    }
    return wire_error("the connection closed before the end of the body");
}

}  // namespace tidb_backups::http
