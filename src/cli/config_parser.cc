// SPDX-License-Identifier: Apache-2.0
// parse_config: the strict TOML subset reader behind config_file.h.
#include "cli/config_file.h"

#include <string.h>

#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "core/utf8.h"

namespace tidb_backups {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Wipes a string that may hold the private key however the scope is left (one moved out of
// first is empty by then).
class WipeOnExit {
  public:
    explicit WipeOnExit(std::string& text) : text_(text) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() { explicit_bzero(text_.data(), text_.size()); }

  private:
    std::string& text_;
};

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// TOML allows no control characters but tab in strings and comments.
bool is_control(char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

// Appends code_point as UTF-8; false when it is not a Unicode scalar value.
bool append_utf8(uint32_t code_point, std::string& out) {
    if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        return false;
    }
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
        return true;
    }
    int tail = code_point < 0x800 ? 1 : code_point < 0x10000 ? 2 : 3;
    constexpr unsigned char kLead[] = {0, 0xC0, 0xE0, 0xF0};
    out += static_cast<char>(kLead[tail] | (code_point >> (6 * tail)));
    for (int shift = 6 * (tail - 1); shift >= 0; shift -= 6) {
        out += static_cast<char>(0x80 | ((code_point >> shift) & 0x3F));
    }
    return true;
}

// Digits of one base with single underscores between them, as TOML integers allow.
std::optional<std::string> strip_digit_underscores(std::string_view digits, int base) {
    auto is_digit = [base](char c) {
        if (base == 16) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
        return c >= '0' && c < static_cast<char>('0' + base);
    };
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (digits[i] == '_' && i > 0 && i + 1 < digits.size() && is_digit(digits[i - 1]) &&
            is_digit(digits[i + 1])) {
            continue;
        }
        if (!is_digit(digits[i])) {
            return std::nullopt;
        }
        out += digits[i];
    }
    if (out.empty()) {
        return std::nullopt;
    }
    return out;
}

enum class IntegerSyntax { Valid, NotAnInteger, OutOfRange };

// Recognises a TOML integer (decimal, 0x, 0o or 0b) and writes it in canonical decimal.
IntegerSyntax parse_integer(std::string_view token, std::string& decimal) {
    int base = 10;
    bool negative = false;
    if (token.size() > 2 && token[0] == '0' &&
        (token[1] == 'x' || token[1] == 'o' || token[1] == 'b')) {
        base = token[1] == 'x' ? 16 : token[1] == 'o' ? 8 : 2;
        token.remove_prefix(2);
    } else if (!token.empty() && (token[0] == '+' || token[0] == '-')) {
        negative = token[0] == '-';
        token.remove_prefix(1);
    }
    auto digits = strip_digit_underscores(token, base);
    if (!digits || (base == 10 && digits->size() > 1 && (*digits)[0] == '0')) {
        return IntegerSyntax::NotAnInteger;
    }
    uint64_t magnitude = 0;
    auto [end, status] =
        std::from_chars(digits->data(), digits->data() + digits->size(), magnitude, base);
    const uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
    if (status != std::errc() || magnitude > limit) {
        return IntegerSyntax::OutOfRange;
    }
    decimal = (negative && magnitude != 0 ? "-" : "") + std::to_string(magnitude);
    return IntegerSyntax::Valid;
}

// How a key or table appears in an error message.
std::string shown_key(std::string_view key) {
    std::string formatted = format_toml_key(key);
    return formatted.front() == '"' ? formatted : "'" + formatted + "'";
}

std::string shown_table(std::string_view name) {
    return "[" + format_toml_key(name) + "]";
}

// Reads one file line by line; each parse_* method starts at pos_ and moves it past what it read.
class ConfigParser {
  public:
    explicit ConfigParser(std::string_view file_name) : file_name_(file_name) {}

    Expected<ConfigFile> parse(std::string_view text) {
        if (text.substr(0, kBom.size()) == kBom) {
            text.remove_prefix(kBom.size());
        }
        while (!text.empty()) {
            size_t newline = text.find('\n');
            line_ = text.substr(0, newline);
            text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
            if (!line_.empty() && line_.back() == '\r') {
                line_.remove_suffix(1);  // CRLF; a lone CR elsewhere is a control character
            }
            ++line_number_;
            pos_ = 0;
            if (Status status = parse_line(); !status) {
                return status.error();
            }
        }
        return std::move(config_);
    }

  private:
    Error fail(std::string_view what, std::string hint = {}) const {
        return make_error(ErrorKind::Config,
                          fmt::format("{}:{}: {}", file_name_, line_number_, what),
                          std::move(hint));
    }

    // 1-based, in characters rather than bytes, as editors show it.
    size_t column() const {
        size_t characters = 0;
        for (size_t i = 0; i < pos_; ++i) {
            characters += (static_cast<unsigned char>(line_[i]) & 0xC0) != 0x80 ? 1 : 0;
        }
        return characters + 1;
    }

    bool at_end() const { return pos_ >= line_.size(); }
    char peek() const { return at_end() ? '\0' : line_[pos_]; }
    bool looking_at(std::string_view text) const { return line_.substr(pos_, text.size()) == text; }
    void skip_spaces() {
        while (!at_end() && is_space(line_[pos_])) {
            ++pos_;
        }
    }

    // A table or key name at pos_, moving past it: a quoted string (`quoted_what` names it in
    // errors) or a bare key; nullopt when neither starts here.
    Expected<std::optional<std::string>> parse_name(std::string_view quoted_what) {
        if (peek() == '"' || peek() == '\'') {
            Expected<std::string> quoted = parse_string(quoted_what);
            if (!quoted) {
                return quoted.error();
            }
            return std::optional<std::string>(std::move(*quoted));
        }
        size_t start = pos_;
        while (!at_end() && is_bare_key_char(line_[pos_])) {
            ++pos_;
        }
        if (pos_ == start) {
            return std::optional<std::string>();
        }
        return std::optional<std::string>(line_.substr(start, pos_ - start));
    }

    Status parse_line() {
        for (size_t i = 0; i < line_.size();) {
            char32_t ignored = 0;
            size_t length = decode_utf8(line_, i, ignored);
            if (length == 0) {
                return fail(fmt::format("invalid UTF-8 at byte {} of the line", i + 1),
                            "save the config file as UTF-8");
            }
            i += length;
        }
        skip_spaces();
        if (at_end() || peek() == '#') {
            return expect_line_end("");
        }
        return peek() == '[' ? parse_header() : parse_key_value();
    }

    // Only spaces and a comment may follow; `after` says what they follow, for the message.
    Status expect_line_end(std::string_view after) {
        skip_spaces();
        if (peek() == '#') {
            for (; !at_end(); ++pos_) {
                if (is_control(line_[pos_])) {
                    return fail(
                        fmt::format("control character in a comment at column {}", column()));
                }
            }
        }
        if (!at_end()) {
            return fail(fmt::format("unexpected text after {} at column {}", after, column()),
                        "a comment starts with #");
        }
        return ok();
    }

    // A basic ("...") or literal ('...') string on this line, for `what` in messages.
    Expected<std::string> parse_string(std::string_view what) {
        char quote = peek();
        if (looking_at(std::string(3, quote))) {
            return fail(fmt::format("multi-line strings are not supported ({})", what),
                        "write the string on one line; in \"...\" use \\n for a line break");
        }
        ++pos_;
        std::string out;
        out.reserve(line_.size());  // never grows: no partial copy is left in freed memory
        WipeOnExit wipe_out(out);
        while (!at_end() && line_[pos_] != quote) {
            if (is_control(line_[pos_])) {
                return fail(fmt::format("control character at column {} in {}", column(), what),
                            "in \"...\" write it as an escape such as \\t or \\u001B");
            }
            if (quote == '"' && line_[pos_] == '\\') {
                if (Status status = parse_escape(what, out); !status) {
                    return status.error();
                }
            } else {
                out += line_[pos_++];
            }
        }
        if (at_end()) {
            return fail(fmt::format("unterminated string in {}", what),
                        fmt::format("close it with {} on the same line", quote));
        }
        ++pos_;
        return std::string(std::move(out));
    }

    Status parse_escape(std::string_view what, std::string& out) {
        size_t escape_column = column();
        char kind = pos_ + 1 < line_.size() ? line_[pos_ + 1] : '\0';
        pos_ += 2;
        // Pairs of an escape letter and the character it stands for.
        constexpr std::string_view kShortEscapes = "\"\"\\\\b\bf\fn\nr\rt\t";
        for (size_t i = 0; i < kShortEscapes.size(); i += 2) {
            if (kShortEscapes[i] == kind) {
                out += kShortEscapes[i + 1];
                return ok();
            }
        }
        if (kind != 'u' && kind != 'U') {
            return fail(
                fmt::format("invalid escape sequence at column {} in {}", escape_column, what),
                R"(the escapes are \" \\ \b \f \n \r \t \uXXXX \UXXXXXXXX)");
        }
        size_t digits = kind == 'u' ? 4 : 8;
        uint32_t code_point = 0;
        std::string_view hex = line_.substr(pos_, digits);
        auto [end, status] = std::from_chars(hex.data(), hex.data() + hex.size(), code_point, 16);
        if (hex.size() != digits || status != std::errc() || end != hex.data() + hex.size()) {
            return fail(
                fmt::format("invalid \\{} escape at column {} in {}: it needs {} hex digits", kind,
                            escape_column, what, digits));
        }
        pos_ += digits;
        if (!append_utf8(code_point, out)) {
            return fail(
                fmt::format("the \\{} escape at column {} in {} is not a Unicode scalar value",
                            kind, escape_column, what));
        }
        return ok();
    }

    Status parse_header() {
        if (looking_at("[[")) {
            return fail("arrays of tables ([[...]]) are not supported",
                        "write one [profile] table per profile");
        }
        ++pos_;
        skip_spaces();
        Expected<std::optional<std::string>> parsed = parse_name("the table name");
        if (!parsed) {
            return parsed.error();
        }
        if (!*parsed) {
            return fail("expected a profile name after '['", "a table header looks like [default]");
        }
        std::string name = std::move(**parsed);
        skip_spaces();
        if (peek() == '.') {
            return fail("nested tables ([a.b]) are not supported", "a profile is one [name] table");
        }
        if (peek() != ']') {
            return fail("expected ']' to close the table header",
                        "a profile name other than letters, digits, '_' and '-' needs quotes: "
                        "[\"my profile\"]");
        }
        ++pos_;
        if (Status status = expect_line_end("the table header"); !status) {
            return status;
        }
        if (auto first = table_lines_.find(name); first != table_lines_.end()) {
            return fail(fmt::format("duplicate table {}; it is already defined on line {}",
                                    shown_table(name), first->second),
                        "merge the two tables into one");
        }
        table_lines_.emplace(name, line_number_);
        key_lines_.clear();
        config_.profiles.emplace_back(std::move(name));
        return ok();
    }

    Status parse_key_value() {
        Expected<std::optional<std::string>> parsed = parse_name("a quoted key");
        if (!parsed) {
            return parsed.error();
        }
        if (!*parsed) {
            return fail(fmt::format("unexpected character at column {}", column()),
                        "a line is a [profile] header, key = \"value\", or a # comment");
        }
        std::string key = std::move(**parsed);
        size_t after_key = pos_;
        skip_spaces();
        if (peek() == '.') {
            return fail("dotted keys (a.b = ...) are not supported", "use one plain key per line");
        }
        if (peek() != '=') {
            return missing_equals(key, after_key);
        }
        ++pos_;
        std::string shown = shown_key(key);
        if (config_.profiles.empty()) {
            return fail(
                fmt::format("key {} is outside any table; keys must be inside a [profile] table",
                            shown),
                "add a header such as [default] above it");
        }
        auto value = parse_value(shown);
        if (!value) {
            return value.error();
        }
        WipeOnExit wipe_value(*value);
        if (Status status = expect_line_end("the value of key " + shown); !status) {
            return status;
        }
        if (auto first = key_lines_.find(key); first != key_lines_.end()) {
            return fail(fmt::format("duplicate key {} in {}; it is already set on line {}", shown,
                                    shown_table(config_.profiles.back().name), first->second));
        }
        key_lines_.emplace(key, line_number_);
        config_.profiles.back().values.emplace(std::move(key), std::move(*value));
        return ok();
    }

    // A line without '=' may be a stray value, such as a private key pasted on a line of its
    // own, quoted or not. Name the key only when the line plainly has the shape `key something`.
    Status missing_equals(const std::string& key, size_t after_key) {
        const char* hint = "a line is a [profile] header, key = \"value\", or a # comment";
        std::string_view rest = line_.substr(after_key);
        size_t more = rest.find_first_not_of(" \t:");
        if (more != 0 && more != std::string_view::npos && rest[more] != '#') {
            return fail(fmt::format("expected '=' after key {}", shown_key(key)), hint);
        }
        return fail("expected '=' after the key at the start of the line", hint);
    }

    Expected<std::string> parse_value(const std::string& shown) {
        skip_spaces();
        std::string what = "the value of key " + shown;
        if (at_end() || peek() == '#') {
            return fail(fmt::format("missing value for key {}", shown),
                        "a value looks like \"text\"");
        }
        if (peek() == '"' || peek() == '\'') {
            return parse_string(what);
        }
        if (peek() == '[') {
            return fail(fmt::format("arrays are not supported ({})", what));
        }
        if (peek() == '{') {
            return fail(fmt::format("inline tables are not supported ({})", what));
        }
        size_t start = pos_;
        while (!at_end() && !is_space(line_[pos_]) && line_[pos_] != '#') {
            ++pos_;
        }
        std::string_view token = line_.substr(start, pos_ - start);
        if (token == "true" || token == "false") {
            return std::string(token);
        }
        std::string decimal;
        switch (parse_integer(token, decimal)) {
            case IntegerSyntax::Valid:
                return decimal;
            case IntegerSyntax::OutOfRange:
                return fail(fmt::format("integer out of range in {}", what),
                            "integers must fit in 64 bits; put long numbers in quotes");
            case IntegerSyntax::NotAnInteger:
                break;
        }
        return fail(fmt::format("unsupported value for key {}: expected a quoted string, an "
                                "integer, true or false",
                                shown),
                    "put text in double quotes: key = \"value\"");
    }

    std::string_view file_name_;
    std::string_view line_;
    size_t pos_ = 0;
    int line_number_ = 0;
    ConfigFile config_;
    std::map<std::string, int, std::less<>> table_lines_;  // name -> line it was defined on
    std::map<std::string, int, std::less<>> key_lines_;    // in the current table
};

}  // namespace

Expected<ConfigFile> parse_config(std::string_view text, std::string_view file_name) {
    return ConfigParser(file_name).parse(text);
}

}  // namespace tidb_backups
