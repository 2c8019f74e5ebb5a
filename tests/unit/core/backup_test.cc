// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/backup.h"

using namespace tidb_backups;

TEST_CASE("field_text shows strings raw, numbers in decimal, absent as empty", "[backup]") {
    BackupObject b = BackupObject::parse(
        R"({"BackupId":"x,y","BackupSize":1024,"Ratio":1.5,"Null":null,"Obj":{"a":1}})");
    CHECK(field_text(b, "BackupId") == "x,y");
    CHECK(field_text(b, "BackupSize") == "1024");
    CHECK(field_text(b, "Ratio") == "1.5");
    CHECK(field_text(b, "Null").empty());
    CHECK(field_text(b, "Missing").empty());
    CHECK(field_text(b, "Obj") == R"({"a":1})");
}

TEST_CASE("field_integer reads numbers and digit strings only", "[backup]") {
    BackupObject b = BackupObject::parse(R"({"A":1764212400,"B":"42","C":"4x","D":true,"E":-3})");
    CHECK(field_integer(b, "A") == 1764212400);
    CHECK(field_integer(b, "B") == 42);
    CHECK_FALSE(field_integer(b, "C"));
    CHECK_FALSE(field_integer(b, "D"));
    CHECK(field_integer(b, "E") == -3);
    CHECK_FALSE(field_integer(b, "Missing"));
}

TEST_CASE("field_integer takes whole floats but never truncates a fraction", "[backup]") {
    BackupObject b = BackupObject::parse(
        R"({"Whole":1764212400.0,"Exp":1.7642124e9,"Half":1764212400.5,"Tiny":0.5,"Neg":-2.5,)"
        R"("Huge":1e300,"Big":18446744073709551615})");
    CHECK(field_integer(b, "Whole") == 1764212400);
    CHECK(field_integer(b, "Exp") == 1764212400);
    CHECK_FALSE(field_integer(b, "Half"));
    CHECK_FALSE(field_integer(b, "Tiny"));
    CHECK_FALSE(field_integer(b, "Neg"));
    CHECK_FALSE(field_integer(b, "Huge"));
    CHECK_FALSE(field_integer(b, "Big"));
}

TEST_CASE("selectable_fields: the documented fields in order, then BackupName, ClusterId, Region",
          "[backup]") {
    CHECK(selectable_fields() ==
          std::vector<std::string>{"BackupId", "BackupStartTime", "BackupEndTime", "BackupSize",
                                   "State", "BackupType", "BackupName", "ClusterId", "Region"});
    CHECK(kClusterIdField == "ClusterId");
}
