// SPDX-License-Identifier: Apache-2.0
#include "core/response.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/utf8.h"

namespace tidb_backups {

namespace {

constexpr std::size_t kSnippetLength = 80;
// An integer too large to keep is shown whole up to this length, else cut.
constexpr std::size_t kShownDigits = 20;

Error shape_error(std::string message) {
    return make_error(ErrorKind::Response, std::move(message),
                      "the endpoint may not be the SigCalCloud API; check --endpoint, or run with "
                      "-vv to see the body");
}

// A short, printable excerpt of a body for an error message.
std::string snippet(std::string_view body) {
    std::string out;
    for (char c : body.substr(0, kSnippetLength)) {
        auto byte = static_cast<unsigned char>(c);
        out.push_back(byte < 0x20 || byte == 0x7f || byte >= 0x80 ? '.' : c);
    }
    if (body.size() > kSnippetLength) {
        out += "...";
    }
    return out;
}

// "12345678901234567890... (30 digits)" for a long number, the number itself for a short one.
std::string shortened_number(std::string_view text) {
    std::size_t digits = text.size() - (text.starts_with('-') ? 1 : 0);
    if (text.size() <= kShownDigits + 4) {
        return std::string(text);
    }
    return fmt::format("{}... ({} digits)", text.substr(0, kShownDigits), digits);
}

// Builds the document from the parser's events, as nlohmann's own DOM parser does, but stops at
// the first container nested deeper than kMaxJsonDepth (so nothing that later copies, compares
// or writes the document can recurse past it) and at the first integer too large for 64 bits
// (which nlohmann would turn into an inexact double, and `-o json` promises the values as sent).
class PageBuilder final : public nlohmann::json_sax<BackupObject> {
  public:
    explicit PageBuilder(BackupObject& root) : root_(root) {}

    bool null() override { return add(nullptr); }
    bool boolean(bool value) override { return add(value); }
    bool number_integer(number_integer_t value) override { return add(value); }
    bool number_unsigned(number_unsigned_t value) override { return add(value); }
    bool number_float(number_float_t value, const string_t& text) override {
        if (text.find_first_of(".eE") == string_t::npos) {
            // Written as an integer, yet it did not fit in 64 bits.
            problem_ = shape_error(
                fmt::format("the response's {} holds the integer {}, too large to keep exactly",
                            field_name(), shortened_number(text)));
            return false;
        }
        return add(value);
    }
    bool string(string_t& value) override { return add(std::move(value)); }
    bool binary(binary_t& /*value*/) override { return false; }  // JSON text has none

    bool start_object(std::size_t /*elements*/) override { return open(BackupObject::object()); }
    bool key(string_t& name) override {
        frames_.back().key = name;
        slot_ = &(*frames_.back().value)[name];
        return true;
    }
    bool end_object() override {
        frames_.pop_back();
        return true;
    }
    bool start_array(std::size_t /*elements*/) override { return open(BackupObject::array()); }
    bool end_array() override {
        frames_.pop_back();
        return true;
    }

    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        return false;
    }

    // Why the parse stopped early, when it was not a syntax error.
    const std::optional<Error>& problem() const { return problem_; }

  private:
    struct Frame {
        BackupObject* value;
        std::string key;  // objects: the key of the member being read
    };

    // Places `value` where the parser is: the root, the next element of an array, or the member
    // whose key came last.
    BackupObject* place(BackupObject&& value) {
        if (frames_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        BackupObject& container = *frames_.back().value;
        if (container.is_array()) {
            container.push_back(std::move(value));
            return &container.back();
        }
        *slot_ = std::move(value);
        return slot_;
    }

    bool add(BackupObject&& value) {
        place(std::move(value));
        return true;
    }

    bool open(BackupObject&& container) {
        if (frames_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
            problem_ = shape_error(fmt::format(
                "the response nests arrays and objects more than {} levels deep", kMaxJsonDepth));
            return false;
        }
        frames_.push_back(Frame{place(std::move(container)), {}});
        return true;
    }

    // The member the parser is in: the key of the innermost object.
    std::string field_name() const {
        auto object = std::find_if(frames_.rbegin(), frames_.rend(),
                                   [](const Frame& frame) { return frame.value->is_object(); });
        return object == frames_.rend() ? std::string("body") : snippet(object->key);
    }

    BackupObject& root_;
    std::vector<Frame> frames_;
    BackupObject* slot_ = nullptr;
    std::optional<Error> problem_;
};

// RetCode as the service sends it: a JSON integer, or a string of digits.
std::optional<std::int64_t> ret_code_of(const BackupObject& value) {
    if (value.is_number_integer()) {
        return integer_value(value);
    }
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        std::int64_t number = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (!text.empty() && ec == std::errc{} && end == text.data() + text.size()) {
            return number;
        }
    }
    return std::nullopt;
}

// Moves the backups out of `data` (the parsed document is thrown away next).
Status append_backups(BackupObject& data, std::vector<BackupObject>& out) {
    if (data.is_null()) {
        return ok();
    }
    if (data.is_object()) {
        // The document's example sends `"BackupData": {}` for "no backups".
        if (!data.empty()) {
            out.push_back(std::move(data));
        }
        return ok();
    }
    if (!data.is_array()) {
        return shape_error(
            fmt::format("response Data is a {}, not a list of backups", data.type_name()));
    }
    out.reserve(out.size() + data.size());
    for (auto& item : data) {
        if (!item.is_object()) {
            return shape_error(fmt::format(
                "response Data holds a {} where a backup object was expected", item.type_name()));
        }
        out.push_back(std::move(item));
    }
    return ok();
}

}  // namespace

bool is_retryable_ret_code(int ret_code) {
    return ret_code == kRateLimitedRetCode || ret_code >= 2000;
}

Expected<BackupPage> parse_backup_page(std::string_view body) {
    // A server that sends bytes that are not UTF-8 inside strings, or an escape of half a
    // surrogate pair, still sent its backups: keep them, with U+FFFD in place of what cannot be
    // text, rather than failing the whole page.
    std::string repaired;
    if (!is_valid_utf8(body)) {
        repaired = repair_utf8(body);
        body = repaired;
    }
    if (std::optional<std::string> surrogates = repair_json_surrogates(body)) {
        repaired = std::move(*surrogates);
        body = repaired;
    }
    BackupObject document;
    PageBuilder builder(document);
    if (!BackupObject::sax_parse(body, &builder)) {
        if (builder.problem()) {
            return *builder.problem();
        }
        if (body.empty()) {
            return shape_error("the response body is empty");
        }
        return shape_error(fmt::format("the response is not JSON: '{}'", snippet(body)));
    }
    if (!document.is_object()) {
        return shape_error(
            fmt::format("the response is a JSON {}, not an object", document.type_name()));
    }
    auto ret_code_field = document.find("RetCode");
    if (ret_code_field == document.end()) {
        return shape_error("the response has no RetCode");
    }
    std::optional<std::int64_t> ret_code = ret_code_of(*ret_code_field);
    if (!ret_code || *ret_code < INT32_MIN || *ret_code > INT32_MAX) {
        return shape_error(fmt::format("the response RetCode {} is not an integer",
                                       snippet(ret_code_field->dump())));
    }
    if (*ret_code != 0) {
        std::string message;
        if (auto it = document.find("Message"); it != document.end() && it->is_string()) {
            message = it->get<std::string>();
        }
        Error error = make_error(ErrorKind::Api,
                                 message.empty()
                                     ? fmt::format("API error RetCode {}", *ret_code)
                                     : fmt::format("API error RetCode {}: {}", *ret_code, message));
        error.ret_code = static_cast<int>(*ret_code);
        error.retryable = is_retryable_ret_code(error.ret_code);
        return error;
    }

    BackupPage page;
    auto data = document.find("Data");
    if (data == document.end()) {
        data = document.find("BackupData");
    }
    if (data != document.end()) {
        if (Status appended = append_backups(*data, page.backups); !appended) {
            return appended.error();
        }
    }
    if (auto total = document.find("TotalCount"); total != document.end()) {
        std::optional<std::int64_t> count = integer_value(*total);
        if (count && *count >= 0) {
            page.total_count = count;
        }
    }
    return page;
}

}  // namespace tidb_backups
