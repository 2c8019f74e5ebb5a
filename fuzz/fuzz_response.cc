// SPDX-License-Identifier: Apache-2.0
// Any bytes as an HTTP body: the parser must return a page or a typed error, never crash, and
// whatever it accepts must render in every format as valid UTF-8; json output must parse back
// to as many backups as the page holds.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/response.h"
#include "core/utf8.h"
#include "render/renderer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tidb_backups;
    std::string_view body(reinterpret_cast<const char*>(data), size);
    Expected<BackupPage> page = parse_backup_page(body);
    if (!page) {
        if (page.error().message.empty()) {
            __builtin_trap();  // every error must say something
        }
        return 0;
    }
    for (OutputFormat format : {OutputFormat::Table, OutputFormat::Json, OutputFormat::Ndjson,
                                OutputFormat::Csv, OutputFormat::Tsv}) {
        std::ostringstream out;
        RenderOptions options;
        options.format = format;
        options.cluster_column = size % 2 == 0;
        auto renderer = make_renderer(options, out);
        for (const auto& backup : page->backups) {
            renderer->add(BackupRow{"cluster", backup});
        }
        renderer->finish();
        const std::string text = out.str();
        if (!is_valid_utf8(text)) {
            __builtin_trap();
        }
        if (format == OutputFormat::Json) {
            auto parsed = nlohmann::json::parse(text, nullptr, false);
            if (parsed.is_discarded() || !parsed.is_array() ||
                parsed.size() != page->backups.size()) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
