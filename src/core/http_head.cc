// SPDX-License-Identifier: Apache-2.0
// The head half of http_wire.h: finding and parsing heads, framing, and writing heads.
#include <algorithm>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/http_text.h"
#include "core/http_wire.h"

namespace tidb_backups::http {

namespace {

bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// Field values may hold visible characters, spaces, tabs and bytes >= 0x80; no other control.
bool is_field_value(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

// The lines of a head without their CR LF (or LF) ends; the empty line at the end is dropped.
std::vector<std::string_view> head_lines(std::string_view head) {
    std::vector<std::string_view> lines;
    while (!head.empty()) {
        std::size_t end = head.find('\n');
        std::string_view line = head.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;
        }
        lines.push_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        head.remove_prefix(end + 1);
    }
    return lines;
}

// "HTTP/1.x": the minor version, or nullopt.
std::optional<int> http_version(std::string_view text) {
    if (text.size() != 8 || text.substr(0, 7) != "HTTP/1." || text[7] < '0' || text[7] > '9') {
        return std::nullopt;
    }
    return text[7] - '0';
}

Status parse_headers(const std::vector<std::string_view>& lines, Headers& headers) {
    std::string* last_value = nullptr;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.front() == ' ' || line.front() == '\t') {
            // Obsolete line folding: the continuation joins the previous value with a space.
            if (last_value == nullptr || !is_field_value(line)) {
                return wire_error(fmt::format("malformed header line '{}'", excerpt(line)));
            }
            *last_value += ' ';
            *last_value += trim_ows(line);
            continue;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
            return wire_error(fmt::format("malformed header line '{}'", excerpt(line)));
        }
        std::string_view value = trim_ows(line.substr(colon + 1));
        if (!is_field_value(value)) {
            return wire_error(
                fmt::format("control characters in header '{}'", excerpt(line.substr(0, colon))));
        }
        last_value = &headers.add(std::string(line.substr(0, colon)), std::string(value));
    }
    return ok();
}

// Content-Length: equal decimal values, possibly repeated (in one header as a list or in
// several headers), as RFC 9110 allows; anything else could let two parsers disagree.
Expected<std::optional<std::uint64_t>> content_length(const Headers& headers) {
    std::optional<std::uint64_t> length;
    for (std::string_view value : headers.all("Content-Length")) {
        // An empty value, or an empty item in a list, is as malformed as any other.
        for (bool more = true; more;) {
            std::size_t comma = value.find(',');
            std::string_view item = trim_ows(value.substr(0, comma));
            more = comma != std::string_view::npos;
            value = more ? value.substr(comma + 1) : std::string_view{};
            std::uint64_t number = 0;
            if (item.empty() || item.size() > 19 ||
                !std::all_of(item.begin(), item.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
                return wire_error(fmt::format("malformed Content-Length '{}'", excerpt(item)));
            }
            for (char digit : item) {
                number = number * 10 + static_cast<std::uint64_t>(digit - '0');
            }
            if (length && *length != number) {
                return wire_error("conflicting Content-Length headers");
            }
            length = number;
        }
    }
    return length;
}

// Transfer-Encoding: only "chunked" (last) is understood; this client asks for no other coding.
Expected<bool> is_chunked(const Headers& headers) {
    std::vector<std::string_view> values = headers.all("Transfer-Encoding");
    if (values.empty()) {
        return false;
    }
    std::vector<std::string_view> codings;
    for (std::string_view value : values) {
        while (!value.empty()) {
            std::size_t comma = value.find(',');
            std::string_view item = trim_ows(value.substr(0, comma));
            if (!item.empty()) {
                codings.push_back(item);
            }
            value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        }
    }
    if (codings.size() == 1 && same_ignoring_ascii_case(codings.front(), "chunked")) {
        return true;
    }
    std::string listed;
    for (std::string_view coding : codings) {
        listed += listed.empty() ? "" : ", ";
        listed += excerpt(coding);
    }
    return wire_error(fmt::format("unsupported Transfer-Encoding '{}'", listed));
}

Expected<Framing> framing_of(const Headers& headers, Framing::Kind otherwise) {
    Expected<bool> chunked = is_chunked(headers);
    if (!chunked) {
        return chunked.error();
    }
    Expected<std::optional<std::uint64_t>> length = content_length(headers);
    if (!length) {
        return length.error();
    }
    if (*chunked) {
        // Both framings at once is how request smuggling starts; no honest peer sends them.
        if (*length) {
            return wire_error("both Transfer-Encoding and Content-Length");
        }
        return Framing{Framing::Kind::Chunked, 0};
    }
    if (*length) {
        return Framing{Framing::Kind::Length, **length};
    }
    return Framing{otherwise, 0};
}

// "Name: value" lines, then the empty line that ends a head.
void append_headers(std::string& out, const std::vector<Header>& headers) {
    for (const auto& header : headers) {
        out += header.name;
        out += ": ";
        out += header.value;
        out += "\r\n";
    }
    out += "\r\n";
}

// A head of type Head: `parse_start_line` reads its first line (the one `what` names), then the
// header lines follow.
template <typename Head, typename StartLineParser>
Expected<Head> parse_head(std::string_view head, std::string_view what,
                          StartLineParser parse_start_line) {
    std::vector<std::string_view> lines = head_lines(head);
    if (lines.empty()) {
        return wire_error(fmt::format("an empty {}", what));
    }
    Expected<Head> parsed = parse_start_line(lines.front());
    if (!parsed) {
        return parsed;
    }
    if (Status headers = parse_headers(lines, parsed->headers); !headers) {
        return headers.error();
    }
    return parsed;
}

// "HTTP/1.1 200 OK": the response's version, status and reason; its headers are left empty.
Expected<ResponseHead> parse_status_line(std::string_view status_line) {
    std::size_t space = status_line.find(' ');
    std::optional<int> minor = http_version(status_line.substr(0, space));
    std::string_view rest =
        space == std::string_view::npos ? std::string_view{} : status_line.substr(space + 1);
    std::string_view code = rest.substr(0, 3);
    bool digits = code.size() == 3 && std::all_of(code.begin(), code.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; });
    if (!minor || !digits || code[0] < '1' || code[0] > '5' ||
        (rest.size() > 3 && rest[3] != ' ') || !is_field_value(rest)) {
        return wire_error(fmt::format("not an HTTP status line: '{}'", excerpt(status_line)));
    }
    ResponseHead response;
    response.minor_version = *minor;
    response.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    response.reason = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    return response;
}

// "GET /path HTTP/1.1": the request's method, target and version; its headers are left empty.
Expected<RequestHead> parse_request_line(std::string_view request_line) {
    std::size_t first = request_line.find(' ');
    std::size_t last = request_line.rfind(' ');
    if (first == std::string_view::npos || first == last) {
        return wire_error(fmt::format("not an HTTP request line: '{}'", excerpt(request_line)));
    }
    std::string_view method = request_line.substr(0, first);
    std::string_view target = request_line.substr(first + 1, last - first - 1);
    std::optional<int> minor = http_version(request_line.substr(last + 1));
    bool target_ok = !target.empty() && std::none_of(target.begin(), target.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    });
    if (!is_token(method) || !target_ok || !minor) {
        return wire_error(fmt::format("not an HTTP request line: '{}'", excerpt(request_line)));
    }
    RequestHead request;
    request.method = std::string(method);
    request.target = std::string(target);
    request.minor_version = *minor;
    return request;
}

}  // namespace

std::string& Headers::add(std::string name, std::string value) {
    items_.push_back(Header{std::move(name), std::move(value)});
    return items_.back().value;
}

const std::string* Headers::find(std::string_view name) const {
    for (const auto& header : items_) {
        if (same_ignoring_ascii_case(header.name, name)) {
            return &header.value;
        }
    }
    return nullptr;
}

std::vector<std::string_view> Headers::all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const auto& header : items_) {
        if (same_ignoring_ascii_case(header.name, name)) {
            values.emplace_back(header.value);
        }
    }
    return values;
}

bool Headers::has_token(std::string_view name, std::string_view token) const {
    for (std::string_view value : all(name)) {
        while (!value.empty()) {
            std::size_t comma = value.find(',');
            if (same_ignoring_ascii_case(trim_ows(value.substr(0, comma)), token)) {
                return true;
            }
            value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        }
    }
    return false;
}

std::optional<std::size_t> find_head_end(std::string_view buffer, std::size_t from) {
    // The terminator is at most 3 bytes: it may have begun just before `from`.
    std::size_t at = from >= 3 ? from - 3 : 0;
    while (true) {
        std::size_t newline = buffer.find('\n', at);
        if (newline == std::string_view::npos || newline + 1 >= buffer.size()) {
            return std::nullopt;
        }
        if (buffer[newline + 1] == '\n') {
            return newline + 2;
        }
        if (buffer[newline + 1] == '\r') {
            if (newline + 2 >= buffer.size()) {
                return std::nullopt;
            }
            if (buffer[newline + 2] == '\n') {
                return newline + 3;
            }
        }
        at = newline + 1;
    }
}

Expected<ResponseHead> parse_response_head(std::string_view head) {
    return parse_head<ResponseHead>(head, "status line", parse_status_line);
}

Expected<RequestHead> parse_request_head(std::string_view head) {
    return parse_head<RequestHead>(head, "request line", parse_request_line);
}

Expected<Framing> response_framing(const ResponseHead& head) {
    if (head.status < 200 || head.status == 204 || head.status == 304) {
        return Framing{Framing::Kind::None, 0};
    }
    return framing_of(head.headers, Framing::Kind::UntilClose);
}

Expected<Framing> request_framing(const RequestHead& head) {
    return framing_of(head.headers, Framing::Kind::None);
}

bool keeps_alive(int minor_version, const Headers& headers) {
    if (headers.has_token("Connection", "close")) {
        return false;
    }
    return minor_version >= 1 || headers.has_token("Connection", "keep-alive");
}

std::string format_request(std::string_view method, std::string_view target,
                           const std::vector<Header>& headers, std::string_view body) {
    std::string out = fmt::format("{} {} HTTP/1.1\r\n", method, target);
    append_headers(out, headers);
    out += body;
    return out;
}

std::string format_response_head(int status, std::string_view reason,
                                 const std::vector<Header>& headers) {
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason);
    append_headers(out, headers);
    return out;
}

std::string_view reason_phrase(int status, std::string_view unknown) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 407:
            return "Proxy Authentication Required";
        case 408:
            return "Request Timeout";
        case 413:
            return "Content Too Large";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return unknown;
    }
}

}  // namespace tidb_backups::http
