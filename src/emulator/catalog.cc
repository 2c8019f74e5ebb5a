// SPDX-License-Identifier: Apache-2.0
#include "emulator/catalog.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/signer.h"

namespace tidb_backups::emulator {

namespace {

constexpr std::int64_t kDay = std::int64_t{24} * 3600;

// The pseudo-random values of one backup, all cut from one SHA1 so that a backup never changes
// when the options for other clusters, or the number of backups, change.
struct BackupDigest {
    std::string id_hex;      // 10 hex digits
    std::uint32_t size = 0;  // each of these is 24 bits of the digest
    std::uint32_t duration = 0;
    std::uint32_t failure = 0;
    std::uint32_t manual = 0;
    std::uint32_t jitter = 0;
};

std::uint32_t hex_bits(std::string_view hex) {
    std::uint32_t value = 0;
    std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    return value;
}

BackupDigest digest_of(std::string_view cluster_id, std::int64_t serial) {
    std::string hex = sha1_hex(fmt::format("{}/{}", cluster_id, serial));
    std::string_view view = hex;
    return BackupDigest{std::string(view.substr(0, 10)), hex_bits(view.substr(10, 6)),
                        hex_bits(view.substr(16, 6)),    hex_bits(view.substr(22, 6)),
                        hex_bits(view.substr(28, 6)),    hex_bits(view.substr(34, 6))};
}

std::string name_of(bool manual, std::int64_t start) {
    std::tm utc = fmt::gmtime(static_cast<std::time_t>(start));
    return fmt::format("{}-{:%Y%m%d-%H%M}", manual ? "manual" : "auto", utc);
}

// Growth as the catalog takes it: 0..kMaxBackups.
std::int64_t bounded_growth(std::int64_t grown) {
    return std::clamp<std::int64_t>(grown, 0, kMaxBackups);
}

}  // namespace

Catalog::Catalog(CatalogOptions options) : options_(std::move(options)) {
    options_.now = std::clamp<std::int64_t>(options_.now, 0, kMaxNow);
}

std::int64_t Catalog::count(std::string_view cluster_id) const {
    auto found = options_.counts.find(cluster_id);
    return std::clamp<std::int64_t>(
        found != options_.counts.end() ? found->second : options_.default_count, 0, kMaxBackups);
}

BackupObject Catalog::backup(std::string_view cluster_id, std::int64_t serial,
                             std::int64_t grown) const {
    grown = bounded_growth(grown);
    const std::int64_t regular = count(cluster_id);
    // A serial out of range is taken as the nearest there is (or as the first grown one).
    serial = std::clamp<std::int64_t>(serial, 0, regular + std::max<std::int64_t>(grown, 1) - 1);
    const std::int64_t newest_start = options_.now - kNewestAge;
    const BackupDigest digest = digest_of(cluster_id, serial);
    const bool is_grown = serial >= regular;

    std::int64_t start = 0;
    if (is_grown) {
        // Spread evenly between the newest regular backup and now, so they sort newest first
        // and are all in the past, whatever `grown` is.
        std::int64_t step = kNewestAge / (std::max<std::int64_t>(grown, 1) + 1);
        start = newest_start + (serial - regular + 1) * step;
    } else {
        std::int64_t days_before_newest = regular - 1 - serial;
        // The newest starts exactly kNewestAge before now, the others up to 40 minutes early.
        std::int64_t jitter = days_before_newest == 0 ? 0 : digest.jitter % 2400;
        start = newest_start - days_before_newest * kDay - jitter;
    }

    const std::int64_t duration = 5 * 60 + digest.duration % (85 * 60 + 1);
    const bool running = start + duration > options_.now;
    const bool newest_regular = serial == regular - 1;
    const bool failed = !is_grown && !newest_regular && digest.failure % 10 == 0;
    const bool manual = is_grown || digest.manual % 5 == 0;

    std::string state = "Success";
    if (running) {
        state = "Running";
    } else if (failed) {
        state = "Failed";
    }

    BackupObject object = BackupObject::object();
    object["BackupId"] = "bk-" + digest.id_hex;
    object["BackupStartTime"] = start;
    object["BackupEndTime"] = running ? std::int64_t{0} : start + duration;
    object["BackupSize"] = std::int64_t{500} + digest.size % 59501;
    object["State"] = state;
    object["BackupType"] = manual ? "Manual" : "Automatic";
    object["BackupName"] = name_of(manual, start);
    return object;
}

std::vector<BackupObject> Catalog::page(std::string_view cluster_id, std::int64_t offset,
                                        std::int64_t limit, std::int64_t grown) const {
    grown = bounded_growth(grown);
    const std::int64_t total = count(cluster_id) + grown;
    const std::int64_t first = std::clamp<std::int64_t>(offset, 0, total);
    const std::int64_t last = first + std::clamp<std::int64_t>(limit, 0, total - first);
    std::vector<BackupObject> result;
    result.reserve(static_cast<std::size_t>(last - first));
    for (std::int64_t index = first; index < last; ++index) {
        // Index 0 is the newest, i.e. the highest serial.
        result.push_back(backup(cluster_id, total - 1 - index, grown));
    }
    return result;
}

std::vector<BackupObject> Catalog::backups(std::string_view cluster_id, std::int64_t grown) const {
    return page(cluster_id, 0, count(cluster_id) + bounded_growth(grown), grown);
}

}  // namespace tidb_backups::emulator
