// SPDX-License-Identifier: Apache-2.0
// UTF-8 decoding, shared by the response parser (which repairs invalid bytes from a server
// before parsing) and the terminal renderer (which measures and sanitises text).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tidb_backups {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Decodes the sequence at text[i]; returns its length, or 0 when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& code_point);

// `text` with every invalid byte replaced by U+FFFD; valid text comes back unchanged.
std::string repair_utf8(std::string_view text);

// JSON text with every \uD800..\uDFFF escape that is not half of a surrogate pair replaced by
// \ufffd, looking only inside strings and past escaped backslashes; nullopt when there is none.
std::optional<std::string> repair_json_surrogates(std::string_view json);

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace tidb_backups
