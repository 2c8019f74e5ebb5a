// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "core/packed_backups.h"

using namespace tidb_backups;

namespace {

BackupObject numbered(int i) {
    BackupObject backup = BackupObject::object();
    backup["BackupId"] = "bk-" + std::to_string(i);
    backup["BackupName"] = std::string(static_cast<std::size_t>(i % 300), 'n');
    backup["BackupSize"] = i;
    return backup;
}

}  // namespace

TEST_CASE("a packed backup unpacks to exactly the object packed", "[packed_backups]") {
    BackupObject backup = BackupObject::parse(R"({
        "State": "Success", "BackupId": "bk-1", "BackupSize": -9223372036854775808,
        "Big": 18446744073709551615, "Ratio": 0.1, "Name": "备份 \u00e9\u0000x",
        "Empty": "", "Null": null, "Yes": true, "Nested": {"b": [1, "two", {"c": null}], "a": 2}
    })");
    PackedBackups held;
    held.add(3, backup);
    const BackupObject back = held.unpack(0);
    CHECK(back == backup);
    // The keys in the order the server sent them, and the text as it was.
    CHECK(back.dump() == backup.dump());
    CHECK(back["BackupSize"].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    CHECK(back["Big"].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
    CHECK(held.group(0) == 3);
    CHECK(held.size() == 1);
}

TEST_CASE("packed backups fill several blocks and are taken back to a mark", "[packed_backups]") {
    PackedBackups held;
    for (int i = 0; i < 3000; ++i) {  // about 500 KiB: two blocks and part of a third
        held.add(0, numbered(i));
    }
    const PackedBackups::Mark mark = held.mark();
    for (int i = 3000; i < 6000; ++i) {
        held.add(1, numbered(i));
    }
    // One far larger than a block goes whole into a block of its own.
    BackupObject huge = numbered(6000);
    huge["BackupName"] = std::string(600 * 1024, 'h');
    held.add(1, huge);
    REQUIRE(held.size() == 6001);
    CHECK(held.unpack(6000) == huge);
    CHECK(held.unpack(4321) == numbered(4321));

    held.truncate(mark);
    REQUIRE(held.size() == 3000);
    held.add(2, numbered(7));
    REQUIRE(held.size() == 3001);
    for (int i = 0; i < 3000; ++i) {
        REQUIRE(held.unpack(static_cast<std::size_t>(i)) == numbered(i));
        REQUIRE(held.group(static_cast<std::size_t>(i)) == 0);
    }
    CHECK(held.unpack(3000) == numbered(7));
    CHECK(held.group(3000) == 2);

    held.clear();
    CHECK(held.size() == 0);
    held.truncate(PackedBackups::Mark{});  // nothing to take back
    held.add(0, numbered(1));
    CHECK(held.unpack(0) == numbered(1));
}
