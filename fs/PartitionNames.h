// Names of the hive-style partition view, MNT/by-date/:
//   domain=KEY/date=YYYY-MM-DD/hour=HH/events.json[.gz]
// KEY is "account" or a space GUID (status.json maps them to folders). Query engines (DuckDB
// read_json(..., hive_partitioning=true), ClickHouse, Spark) read domain, date and hour from
// the path and skip folders a filter excludes without opening their files.
// Pure functions, unit-tested like PathModel.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "PathModel.h"

namespace atfs {

inline constexpr const char* kPartitionRoot = "by-date";

std::string partitionDomainName(const std::string& key);  // "domain=KEY"
std::string partitionDayName(at::Date day);               // "date=2017-07-25"
std::string partitionHourName(int hour);                  // "hour=07"
std::string partitionFileName(Format format);             // "events.json[.gz]"

std::optional<std::string> parsePartitionDomain(std::string_view name);
std::optional<at::Date> parsePartitionDay(std::string_view name);
std::optional<int> parsePartitionHour(std::string_view name);  // 0..23, two digits
std::optional<Format> parsePartitionFile(std::string_view name);

}  // namespace atfs
