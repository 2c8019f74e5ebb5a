// SPDX-License-Identifier: Apache-2.0
// The emulator's data: deterministic backups for any cluster Id. Every value derives from a hash
// of (cluster Id, serial) and the fixed clock, so tests can compute exactly what is served.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/backup.h"

namespace tidb_backups::emulator {

// Backups of one cluster at most (--backups, --backups-for), and backups grown at most
// (--grow-by): one a day, so the oldest starts some 270,000 years before `now`, and every
// count, serial and time below stays far inside 64 bits. Larger counts are taken as this.
inline constexpr std::int64_t kMaxBackups = 100'000'000;
// The latest clock (--now): 9999-12-31T23:59:59Z, the last second a four-digit year can write.
inline constexpr std::int64_t kMaxNow = 253'402'300'799;

struct CatalogOptions {
    std::int64_t default_count = 8;  // backups of a cluster without an override (--backups)
    // Backups of one cluster, by Id (--backups-for ID=N); 0 is allowed.
    std::map<std::string, std::int64_t, std::less<>> counts;
    std::int64_t now = 0;  // the emulator's clock, epoch seconds (--now), 0..kMaxNow
};

// Backups are numbered by serial: 0 is the oldest, count-1 the newest. Backups added while the
// emulator runs (--grow-by) get the serials after those, so the ones already there keep their
// Ids and times. Lists are newest first, as the API returns them.
//
// What a backup looks like (keys in this order):
//   BackupId         "bk-" + 10 hex digits of sha1("<cluster Id>/<serial>"): stable
//   BackupStartTime  epoch seconds; about one a day, the newest exactly 3 hours before `now`
//   BackupEndTime    start + 5..90 minutes; 0 while running (only grown backups can be)
//   BackupSize       500..60000 (MB)
//   State            "Success"; "Failed" for about 10% (never the newest); "Running" while running
//   BackupType       "Automatic"; "Manual" for about 20% and for every grown backup
//   BackupName       undocumented, e.g. "auto-20261127-0300": clients must keep unknown fields
class Catalog {
  public:
    explicit Catalog(CatalogOptions options);

    // How long before `now` the newest (non-grown) backup starts.
    static constexpr std::int64_t kNewestAge = std::int64_t{3} * 3600;

    // Backups of `cluster_id` before any growth (0..kMaxBackups).
    std::int64_t count(std::string_view cluster_id) const;

    // Every backup of `cluster_id`, newest first, with `grown` newer backups at the front (they
    // start between the newest regular backup and `now`). This is exactly what the server pages
    // through, so TotalCount is count(cluster_id) + grown.
    std::vector<BackupObject> backups(std::string_view cluster_id, std::int64_t grown = 0) const;

    // The slice [offset, offset + limit) of backups(cluster_id, grown), computed without
    // building the whole list (benchmarks use large counts); any offset and limit, even near
    // INT64_MAX, give the part of the list they cover.
    std::vector<BackupObject> page(std::string_view cluster_id, std::int64_t offset,
                                   std::int64_t limit, std::int64_t grown = 0) const;

    // One backup by serial; serials >= count(cluster_id) are grown backups (of `grown` in all).
    // A serial out of range is taken as the nearest in range.
    BackupObject backup(std::string_view cluster_id, std::int64_t serial,
                        std::int64_t grown = 0) const;

    std::int64_t now() const { return options_.now; }

  private:
    CatalogOptions options_;
};

}  // namespace tidb_backups::emulator
