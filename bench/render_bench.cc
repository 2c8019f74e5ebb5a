// SPDX-License-Identifier: Apache-2.0
// bench-render: parses and renders N backups the way `tidb-backups list` does, without the
// network, so that callgrind can count the instructions of exactly that part.
//
//   bench-render [--backups N] [--format json|table|ndjson|csv|tsv|none] [--out FILE]
//
// The page bodies are built first (by the emulator's Catalog, serialised as the API's JSON,
// 30 backups a page). Parsing happens in bench_parse_pages() and rendering in
// bench_render_backups(); run.sh gives both names to valgrind's --toggle-collect, so the count
// leaves out generation, and nothing here needs valgrind's headers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/response.h"
#include "emulator/catalog.h"
#include "render/renderer.h"

namespace {

using tidb_backups::BackupObject;

constexpr std::string_view kClusterId = "MlaMfzgZ";
constexpr std::int64_t kPageSize = 30;
constexpr std::int64_t kNow = 1798761600;  // 2027-01-01T00:00:00Z: fixed, so counts repeat

struct Options {
    std::int64_t backups = 10000;
    std::string format = "json";  // or "none": parse only
    std::string out = "/dev/null";
};

bool parse_options(int argc, char** argv, Options& options) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--backups") {
            options.backups = std::stoll(argv[i + 1]);
        } else if (flag == "--format") {
            options.format = argv[i + 1];
        } else if (flag == "--out") {
            options.out = argv[i + 1];
        } else {
            return false;
        }
    }
    return argc % 2 == 1 && options.backups >= 0;
}

// The bodies the emulator would send for every page of one cluster.
std::vector<std::string> make_page_bodies(std::int64_t count) {
    tidb_backups::emulator::CatalogOptions catalog_options;
    catalog_options.default_count = count;
    catalog_options.now = kNow;
    tidb_backups::emulator::Catalog catalog(catalog_options);
    std::vector<std::string> bodies;
    for (std::int64_t offset = 0; offset < count || offset == 0; offset += kPageSize) {
        nlohmann::ordered_json data = nlohmann::ordered_json::array();
        for (auto& backup : catalog.page(kClusterId, offset, kPageSize)) {
            data.push_back(std::move(backup));
        }
        nlohmann::ordered_json body = {{"Action", "ListTiDBClusterBackupResponse"},
                                       {"RetCode", 0},
                                       {"TotalCount", count},
                                       {"Data", std::move(data)}};
        bodies.push_back(body.dump());
    }
    return bodies;
}

// The listing keeps every backup of a cluster until it is complete (json and table are not
// streamed), so parsing collects them all first, as run_list's observer does.
[[gnu::noinline]] std::vector<BackupObject> bench_parse_pages(
    const std::vector<std::string>& bodies) {
    std::vector<BackupObject> backups;
    for (const auto& body : bodies) {
        auto page = tidb_backups::parse_backup_page(body);
        if (!page) {
            (void)std::fprintf(stderr, "bench-render: a generated page does not parse: %s\n",
                               page.error().message.c_str());
            std::exit(1);
        }
        for (auto& backup : page->backups) {
            backups.push_back(std::move(backup));
        }
    }
    return backups;
}

[[gnu::noinline]] void bench_render_backups(const std::vector<BackupObject>& backups,
                                            tidb_backups::OutputFormat format, std::ostream& out) {
    tidb_backups::RenderOptions options;
    options.format = format;
    auto renderer = tidb_backups::make_renderer(options, out);
    for (const auto& backup : backups) {
        renderer->add(tidb_backups::BackupRow{kClusterId, backup});
    }
    renderer->finish();
    out.flush();
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        (void)std::fprintf(
            stderr,
            "usage: bench-render [--backups N] [--format json|table|ndjson|csv|tsv|none] "
            "[--out FILE]\n");
        return 2;
    }
    auto format = tidb_backups::parse_output_format(options.format);
    if (!format && options.format != "none") {
        (void)std::fprintf(stderr, "bench-render: unknown format '%s'\n", options.format.c_str());
        return 2;
    }
    std::vector<std::string> bodies = make_page_bodies(options.backups);
    std::vector<BackupObject> backups = bench_parse_pages(bodies);
    if (static_cast<std::int64_t>(backups.size()) != options.backups) {
        (void)std::fprintf(stderr, "bench-render: parsed %zu backups, expected %lld\n",
                           backups.size(), static_cast<long long>(options.backups));
        return 1;
    }
    if (format) {
        std::ofstream out(options.out, std::ios::binary);
        bench_render_backups(backups, *format, out);
    }
    (void)std::fprintf(stderr, "bench-render: %zu pages, %zu backups, format %s\n", bodies.size(),
                       backups.size(), options.format.c_str());
    return 0;
}
