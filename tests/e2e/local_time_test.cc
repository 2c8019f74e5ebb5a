// SPDX-License-Identifier: Apache-2.0
// Local time, in zones with a daylight-saving change inside the listing: the table's STARTED
// column, --utc, and --since/--until written as local dates and times, under TZ=
// America/New_York (one hour back on 2026-11-01 at 02:00) and TZ=Australia/Lord_Howe (half an
// hour forward on 2026-10-04 at 02:00). Every expectation is a literal, checked when it was
// written against `TZ=... date -d @EPOCH` and an independent computation of the emulator's
// catalog.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>
#include <vector>

#include "e2e.h"
#include "support/skip.h"

using namespace tidb_backups;
using namespace tidb_backups::e2e;

namespace {

constexpr const char* kNewYork = "America/New_York";
constexpr const char* kLordHowe = "Australia/Lord_Howe";

bool have_zone(const std::string& zone) {
    return ::access(("/usr/share/zoneinfo/" + zone).c_str(), R_OK) == 0;
}

#define REQUIRE_ZONE(zone)                                           \
    if (!have_zone(zone)) {                                          \
        TIDB_SKIP(std::string(zone) +                                \
                  " is not in /usr/share/zoneinfo (apt-get install " \
                  "tzdata)");                                        \
    }

// The lines of a successful run's stdout, with nothing on stderr.
std::vector<std::string> output_lines(const Cli& cli, const std::vector<std::string>& args) {
    ProcessResult result = cli.run(args);
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    return lines_of(result.out);
}

using Lines = std::vector<std::string>;

}  // namespace

// cluster-0 of 30 backups, rows 15 to 20: 2026-11-03 back to 2026-10-29, across the end of
// daylight saving time in New York (EDT, UTC-4, until 2026-11-01 06:00 UTC; EST, UTC-5, after).
TEST_CASE("local time: New York times in the table follow EDT, then EST", "[e2e][local-time]") {
    REQUIRE_ZONE(kNewYork);
    EmulatorProcess emulator(emulator_args(30));
    Cli cli(emulator);
    cli.env()["TZ"] = kNewYork;
    const std::vector<std::string> args = {"list", "--id",    "cluster-0", "--offset",
                                           "15",   "--limit", "6"};
    CHECK(output_lines(cli, args) ==
          Lines{
              "BACKUP ID      STATE    TYPE       STARTED (local)   DURATION     SIZE",
              "bk-e91e0b6158  Success  Manual     2026-11-03 02:45    24m03s   32 GiB",
              "bk-8059a4eb42  Success  Automatic  2026-11-02 02:48    10m48s   55 GiB",
              "bk-ad39933322  Success  Manual     2026-11-01 02:50    12m34s   32 GiB",
              "bk-773c56b0ed  Success  Automatic  2026-10-31 03:45     1h04m   41 GiB",
              "bk-4a9b33e652  Success  Automatic  2026-10-30 03:26    16m26s  7.0 GiB",
              "bk-01f06972e8  Success  Automatic  2026-10-29 03:26     9m18s   22 GiB",
          });

    // --utc: the same backups at their UTC times, whatever TZ says.
    std::vector<std::string> utc = args;
    utc.emplace_back("--utc");
    const Lines in_utc = {
        "BACKUP ID      STATE    TYPE       STARTED (UTC)     DURATION     SIZE",
        "bk-e91e0b6158  Success  Manual     2026-11-03 07:45    24m03s   32 GiB",
        "bk-8059a4eb42  Success  Automatic  2026-11-02 07:48    10m48s   55 GiB",
        "bk-ad39933322  Success  Manual     2026-11-01 07:50    12m34s   32 GiB",
        "bk-773c56b0ed  Success  Automatic  2026-10-31 07:45     1h04m   41 GiB",
        "bk-4a9b33e652  Success  Automatic  2026-10-30 07:26    16m26s  7.0 GiB",
        "bk-01f06972e8  Success  Automatic  2026-10-29 07:26     9m18s   22 GiB",
    };
    CHECK(output_lines(cli, utc) == in_utc);
    cli.env()["TZ"] = "UTC";
    CHECK(output_lines(cli, args) == in_utc);

    // --time-format iso is UTC in any zone.
    cli.env()["TZ"] = kNewYork;
    std::vector<std::string> iso = args;
    iso.insert(iso.end(),
               {"-o", "csv", "--time-format", "iso", "--fields", "BackupId,BackupStartTime"});
    CHECK(output_lines(cli, iso) == Lines{
                                        "BackupId,BackupStartTime",
                                        "bk-e91e0b6158,2026-11-03T07:45:38Z",
                                        "bk-8059a4eb42,2026-11-02T07:48:32Z",
                                        "bk-ad39933322,2026-11-01T07:50:12Z",
                                        "bk-773c56b0ed,2026-10-31T07:45:49Z",
                                        "bk-4a9b33e652,2026-10-30T07:26:47Z",
                                        "bk-01f06972e8,2026-10-29T07:26:58Z",
                                    });
}

// The same backups chosen by local times, each bound a minute from a backup's start: on
// 2026-10-31 03:45:49 EDT (07:45:49 UTC) and 2026-11-01 02:50:12 EST (07:50:12 UTC). Read as
// UTC, or with the other day's offset, each bound would land hours or an hour away.
TEST_CASE("local time: New York --since and --until read local times on both sides of the change",
          "[e2e][local-time]") {
    REQUIRE_ZONE(kNewYork);
    EmulatorProcess emulator(emulator_args(30));
    Cli cli(emulator);
    cli.env()["TZ"] = kNewYork;
    auto window = [&](const std::string& since, const std::string& until) {
        return output_lines(cli, {"list", "--id", "cluster-0", "--since", since, "--until", until,
                                  "--fields", "BackupId,BackupStartTime"});
    };
    CHECK(window("2026-10-31T03:45", "2026-11-01T02:51") == Lines{
                                                                "BACKUP ID      STARTED (local)",
                                                                "bk-ad39933322  2026-11-01 02:50",
                                                                "bk-773c56b0ed  2026-10-31 03:45",
                                                            });
    // --since is inclusive to the second, so a minute later leaves 03:45:49 out.
    CHECK(window("2026-10-31T03:46", "2026-11-01T02:51") == Lines{
                                                                "BACKUP ID      STARTED (UTC-5)",
                                                                "bk-ad39933322  2026-11-01 02:50",
                                                            });
    // --until is exclusive: 02:50 is before 02:50:12.
    CHECK(window("2026-10-31 03:45", "2026-11-01 02:50") == Lines{
                                                                "BACKUP ID      STARTED (UTC-4)",
                                                                "bk-773c56b0ed  2026-10-31 03:45",
                                                            });

    // The zone does not move an explicit UTC time, and --utc shows the same rows in UTC.
    CHECK(output_lines(cli,
                       {"list", "--id", "cluster-0", "--since", "2026-10-31T07:45:00Z", "--until",
                        "2026-11-01T07:51:00Z", "--fields", "BackupId,BackupStartTime", "--utc"}) ==
          Lines{
              "BACKUP ID      STARTED (UTC)",
              "bk-ad39933322  2026-11-01 07:50",
              "bk-773c56b0ed  2026-10-31 07:45",
          });
}

// MlaMfzgZ of 75 backups, rows 44 to 47: 2026-10-05 back to 2026-10-02, across the start of
// daylight saving time on Lord Howe Island (UTC+10:30 until 2026-10-04 02:00, then UTC+11).
TEST_CASE("local time: Lord Howe times move by half an hour at the change", "[e2e][local-time]") {
    REQUIRE_ZONE(kLordHowe);
    EmulatorProcess emulator(emulator_args(75));
    Cli cli(emulator);
    cli.env()["TZ"] = kLordHowe;
    const std::vector<std::string> args = {"list", "--id",    "MlaMfzgZ", "--offset",
                                           "44",   "--limit", "4"};
    CHECK(output_lines(cli, args) ==
          Lines{
              "BACKUP ID      STATE    TYPE       STARTED (local)   DURATION     SIZE",
              "bk-b91031757e  Failed   Automatic  2026-10-05 18:29    36m15s  4.0 GiB",
              "bk-a208c09c05  Success  Automatic  2026-10-04 18:47     1h10m   18 GiB",
              "bk-865753b6cb  Success  Automatic  2026-10-03 18:00    43m21s  3.5 GiB",
              "bk-ed45629c2d  Success  Automatic  2026-10-02 18:04     5m02s   22 GiB",
          });
    std::vector<std::string> utc = args;
    utc.emplace_back("--utc");
    CHECK(output_lines(cli, utc) ==
          Lines{
              "BACKUP ID      STATE    TYPE       STARTED (UTC)     DURATION     SIZE",
              "bk-b91031757e  Failed   Automatic  2026-10-05 07:29    36m15s  4.0 GiB",
              "bk-a208c09c05  Success  Automatic  2026-10-04 07:47     1h10m   18 GiB",
              "bk-865753b6cb  Success  Automatic  2026-10-03 07:30    43m21s  3.5 GiB",
              "bk-ed45629c2d  Success  Automatic  2026-10-02 07:34     5m02s   22 GiB",
          });
}

// Bounds a minute from 2026-10-03 18:00:15 (UTC+10:30) and 2026-10-04 18:47:57 (UTC+11): with
// the other side's offset each would move by 30 minutes and take in the backup it leaves out.
TEST_CASE("local time: Lord Howe --since and --until use the offset of their own date",
          "[e2e][local-time]") {
    REQUIRE_ZONE(kLordHowe);
    EmulatorProcess emulator(emulator_args(75));
    Cli cli(emulator);
    cli.env()["TZ"] = kLordHowe;
    auto window = [&](const std::string& since, const std::string& until) {
        return output_lines(cli, {"list", "--id", "MlaMfzgZ", "--since", since, "--until", until,
                                  "--fields", "BackupId,BackupStartTime"});
    };
    CHECK(window("2026-10-03T18:01", "2026-10-05T18:30") == Lines{
                                                                "BACKUP ID      STARTED (UTC+11)",
                                                                "bk-b91031757e  2026-10-05 18:29",
                                                                "bk-a208c09c05  2026-10-04 18:47",
                                                            });
    CHECK(window("2026-10-03T18:00", "2026-10-04T18:47") ==
          Lines{
              "BACKUP ID      STARTED (UTC+10:30)",
              "bk-865753b6cb  2026-10-03 18:00",
          });
}
