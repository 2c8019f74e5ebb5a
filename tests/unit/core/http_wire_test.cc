// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <string>

#include "core/http_wire.h"

using namespace tidb_backups;
using namespace tidb_backups::http;

namespace {

// Feeds `wire` to a reader in pieces of `step` bytes, as a socket might deliver it.
struct Fed {
    std::string body;
    std::size_t used = 0;
    std::optional<Error> error;
    bool done = false;
};

Fed feed_in_steps(Framing framing, std::string_view wire, std::size_t step,
                  std::size_t max_body = 1 << 20) {
    BodyReader reader(framing, max_body);
    Fed fed;
    while (fed.used < wire.size() && !reader.done()) {
        std::string_view piece = wire.substr(fed.used, step);
        Expected<std::size_t> took = reader.feed(piece, fed.body);
        if (!took) {
            fed.error = took.error();
            return fed;
        }
        fed.used += *took;
        if (*took < piece.size()) {
            break;  // the rest belongs to the next message
        }
    }
    fed.done = reader.done();
    return fed;
}

const Framing kChunked{Framing::Kind::Chunked, 0};

}  // namespace

TEST_CASE("find_head_end finds CRLF CRLF and LF LF, and nothing in an incomplete head",
          "[http_wire]") {
    CHECK(find_head_end("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody") == std::size_t{25});
    CHECK(find_head_end("HTTP/1.1 200 OK\nA: b\n\nbody") == std::size_t{22});
    CHECK_FALSE(find_head_end("HTTP/1.1 200 OK\r\nA: b\r\n\r").has_value());
    CHECK_FALSE(find_head_end("HTTP/1.1 200 OK\r\nA: b\r\n").has_value());
    CHECK_FALSE(find_head_end("").has_value());
}

TEST_CASE("find_head_end resumes where it stopped without missing a split terminator",
          "[http_wire]") {
    std::string head = "HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
    for (std::size_t split = 0; split <= head.size(); ++split) {
        INFO("searched " << split << " bytes before");
        CHECK(find_head_end(head, split) == head.size());
    }
}

TEST_CASE("a status line and headers parse, names in any case", "[http_wire]") {
    auto head = parse_response_head(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\ncontent-length: 12\r\n"
        "Connection: keep-alive, Close\r\n\r\n");
    REQUIRE(head);
    CHECK(head->minor_version == 1);
    CHECK(head->status == 503);
    CHECK(head->reason == "Service Unavailable");
    REQUIRE(head->headers.find("retry-after") != nullptr);
    CHECK(*head->headers.find("RETRY-AFTER") == "7");
    CHECK(head->headers.has_token("connection", "close"));
    CHECK_FALSE(keeps_alive(head->minor_version, head->headers));
}

TEST_CASE("a status line without a reason, and HTTP/1.0", "[http_wire]") {
    auto head = parse_response_head("HTTP/1.0 200\r\n\r\n");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->reason.empty());
    CHECK_FALSE(keeps_alive(0, head->headers));
    auto kept = parse_response_head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n");
    REQUIRE(kept);
    CHECK(keeps_alive(0, kept->headers));
}

TEST_CASE("what is not a status line is refused, with a printable excerpt", "[http_wire]") {
    for (const char* bad :
         {"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
          "HTTP/1.1 600 Odd\r\n\r\n", "http/1.1 200 OK\r\n\r\n", "SSH-2.0-OpenSSH_9.2\r\n\r\n",
          "HTTP/1.1 200OK\r\n\r\n", "\r\n\r\n", "HTTP/1.1 200 O\x1bK\r\n\r\n"}) {
        INFO(bad);
        auto head = parse_response_head(bad);
        REQUIRE_FALSE(head);
        CHECK(head.error().kind == ErrorKind::Network);
        CHECK(head.error().message.find('\x1b') == std::string::npos);
    }
}

TEST_CASE("malformed header lines are refused", "[http_wire]") {
    for (const char* bad :
         {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
          "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "HTTP/1.1 200 OK\r\nA: b\x01c\r\n\r\n",
          "HTTP/1.1 200 OK\r\n folded first\r\n\r\n"}) {
        INFO(bad);
        CHECK_FALSE(parse_response_head(bad));
    }
}

TEST_CASE("a folded header line joins the value before it", "[http_wire]") {
    auto head = parse_response_head("HTTP/1.1 200 OK\r\nX-A: one\r\n  two\r\nX-B: 3\r\n\r\n");
    REQUIRE(head);
    CHECK(*head->headers.find("X-A") == "one two");
    CHECK(*head->headers.find("X-B") == "3");
}

TEST_CASE("a request line and headers parse", "[http_wire]") {
    auto head = parse_request_head(
        "POST /?Action=X HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 3\r\n\r\n");
    REQUIRE(head);
    CHECK(head->method == "POST");
    CHECK(head->target == "/?Action=X");
    CHECK(head->minor_version == 1);
    auto framing = request_framing(*head);
    REQUIRE(framing);
    CHECK(framing->kind == Framing::Kind::Length);
    CHECK(framing->length == 3);
    for (const char* bad : {"GET\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                            "GET / HTTP/3.0\r\n\r\n"}) {
        INFO(bad);
        CHECK_FALSE(parse_request_head(bad));
    }
}

TEST_CASE("response framing: no body, length, chunked, or until the connection closes",
          "[http_wire]") {
    auto framing_of = [](const char* text) {
        auto head = parse_response_head(text);
        REQUIRE(head);
        return response_framing(*head);
    };
    CHECK(framing_of("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")->kind ==
          Framing::Kind::None);
    CHECK(framing_of("HTTP/1.1 100 Continue\r\n\r\n")->kind == Framing::Kind::None);
    auto length =
        framing_of("HTTP/1.1 200 OK\r\nContent-Length: 42, 42\r\nContent-Length: 42\r\n\r\n");
    REQUIRE(length);
    CHECK(length->kind == Framing::Kind::Length);
    CHECK(length->length == 42);
    CHECK(framing_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n")->kind ==
          Framing::Kind::Chunked);
    CHECK(framing_of("HTTP/1.1 200 OK\r\n\r\n")->kind == Framing::Kind::UntilClose);
}

TEST_CASE("lengths and codings that two parsers could read differently are refused",
          "[http_wire]") {
    for (const char* bad : {
             "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: 4, 5\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: +4\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n",
         }) {
        INFO(bad);
        auto head = parse_response_head(bad);
        REQUIRE(head);
        CHECK_FALSE(response_framing(*head));
    }
}

TEST_CASE("a Content-Length body stops at its length, whatever the pieces", "[http_wire]") {
    for (std::size_t step : {1, 2, 5, 100}) {
        INFO("pieces of " << step);
        Fed fed = feed_in_steps(Framing{Framing::Kind::Length, 5}, "hello, next message", step);
        CHECK_FALSE(fed.error);
        CHECK(fed.done);
        CHECK(fed.body == "hello");
        CHECK(fed.used == 5);
    }
}

TEST_CASE("a chunked body decodes with extensions, trailers and bare LF line ends", "[http_wire]") {
    const std::string wire =
        "4\r\nWiki\r\n5;name=value\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n"
        "Expires: never\r\n\r\nNEXT";
    for (std::size_t step : {1, 3, 7, 1000}) {
        INFO("pieces of " << step);
        Fed fed = feed_in_steps(kChunked, wire, step);
        CHECK_FALSE(fed.error);
        CHECK(fed.done);
        CHECK(fed.body == "Wikipedia in\r\n\r\nchunks.");
        CHECK(wire.substr(fed.used) == "NEXT");
    }
    Fed lf = feed_in_steps(kChunked, "3\nabc\n0\n\n", 2);
    CHECK(lf.done);
    CHECK(lf.body == "abc");
}

TEST_CASE("a malformed chunked body is refused", "[http_wire]") {
    for (const char* bad : {"zz\r\nabc\r\n0\r\n\r\n", "3\r\nabcX\r\n0\r\n\r\n",
                            "3 4\r\nabc\r\n0\r\n\r\n", "\r\nabc\r\n0\r\n\r\n"}) {
        INFO(bad);
        Fed fed = feed_in_steps(kChunked, bad, 1);
        REQUIRE(fed.error);
        CHECK(fed.error->kind == ErrorKind::Network);
    }
}

TEST_CASE("a chunk-size line, a chunk or trailers that never end are cut at their bound",
          "[http_wire]") {
    Fed endless_size = feed_in_steps(kChunked, std::string(10000, '1'), 512);
    REQUIRE(endless_size.error);

    Fed huge_chunk = feed_in_steps(kChunked, "FFFFFFFFFFFFFFFFFFFF\r\n", 64, 1000);
    REQUIRE(huge_chunk.error);
    CHECK(huge_chunk.error->kind == ErrorKind::Response);

    Fed over_budget =
        feed_in_steps(kChunked, "400\r\n" + std::string(1024, 'x') + "\r\n", 64, 1000);
    REQUIRE(over_budget.error);
    CHECK(over_budget.error->kind == ErrorKind::Response);

    std::string trailers = "0\r\n";
    while (trailers.size() <= kMaxHeadBytes) {
        trailers += "X-Trailer: padding padding padding\r\n";
    }
    Fed endless_trailers = feed_in_steps(kChunked, trailers, 4096);
    REQUIRE(endless_trailers.error);
    CHECK(endless_trailers.error->kind == ErrorKind::Network);
}

TEST_CASE("a body over the bound is refused, before it is read when its length says so",
          "[http_wire]") {
    BodyReader reader(Framing{Framing::Kind::Length, 2000}, 1000);
    std::string body;
    auto took = reader.feed("", body);
    REQUIRE_FALSE(took);
    CHECK(took.error().kind == ErrorKind::Response);

    Fed until_close =
        feed_in_steps(Framing{Framing::Kind::UntilClose, 0}, std::string(1500, 'x'), 100, 1000);
    REQUIRE(until_close.error);
    CHECK(until_close.error->kind == ErrorKind::Response);
}

TEST_CASE("the end of the connection ends only a body framed by it", "[http_wire]") {
    BodyReader until_close(Framing{Framing::Kind::UntilClose, 0}, 100);
    std::string body;
    REQUIRE(until_close.feed("abc", body));
    CHECK(until_close.end_of_input());
    CHECK(until_close.done());
    CHECK(body == "abc");

    BodyReader short_length(Framing{Framing::Kind::Length, 10}, 100);
    REQUIRE(short_length.feed("abc", body));
    CHECK_FALSE(short_length.end_of_input());

    BodyReader open_chunk(kChunked, 100);
    REQUIRE(open_chunk.feed("5\r\nab", body));
    CHECK_FALSE(open_chunk.end_of_input());
}

TEST_CASE("requests and response heads are written as HTTP/1.1", "[http_wire]") {
    CHECK(format_request("POST", "/", {{"Host", "h"}, {"Content-Length", "3"}}, "a=b") ==
          "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=b");
    CHECK(format_response_head(503, reason_phrase(503), {{"Content-Length", "0"}}) ==
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("reason_phrase: the phrase of a known status, the caller's word for others", "[http]") {
    CHECK(reason_phrase(200) == "OK");
    CHECK(reason_phrase(407) == "Proxy Authentication Required");
    CHECK(reason_phrase(503) == "Service Unavailable");
    CHECK(reason_phrase(599) == "Unknown");
    CHECK(reason_phrase(599, "Error") == "Error");
    CHECK(reason_phrase(404, "Error") == "Not Found");
}
