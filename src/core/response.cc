#include "core/response.h"

#include <fmt/format.h>

#include "core/utf8.h"

namespace tidb_backups {

namespace {

constexpr std::size_t kSnippetLength = 80;

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

std::optional<std::int64_t> as_integer(const BackupObject& value) {
    BackupObject holder = BackupObject::object();
    holder["v"] = value;
    return field_integer(holder, "v");
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
    return ret_code == 153 || ret_code >= 2000;
}

Expected<BackupPage> parse_backup_page(std::string_view body) {
    // A server that sends bytes that are not UTF-8 inside strings still sent its backups: keep
    // them, with U+FFFD in place of the bad bytes, rather than failing the whole page.
    std::string repaired;
    if (!is_valid_utf8(body)) {
        repaired = repair_utf8(body);
        body = repaired;
    }
    BackupObject document = BackupObject::parse(body, nullptr, false);
    if (document.is_discarded()) {
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
    std::optional<std::int64_t> ret_code = as_integer(*ret_code_field);
    if (!ret_code || *ret_code < INT32_MIN || *ret_code > INT32_MAX) {
        return shape_error(fmt::format("the response RetCode '{}' is not a number",
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
        std::optional<std::int64_t> count = as_integer(*total);
        if (count && *count >= 0) {
            page.total_count = count;
        }
    }
    return page;
}

}  // namespace tidb_backups
