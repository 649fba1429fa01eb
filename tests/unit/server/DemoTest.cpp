#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "StoreTestSupport.h"
#include "demo/Demo.h"
#include "demo/DemoFeed.h"

namespace atd::test {
namespace {

namespace fs = std::filesystem;

DemoOptions smallDemo(const fs::path& dir, uint64_t seed) {
    DemoOptions o;
    o.dataDir = dir;
    o.spaces = 3;
    o.days = 3;
    o.eventsPerDay = 3000;
    o.seed = seed;
    o.lastDay = at::Date::parse("2017-07-25");  // a Tuesday; 07-23 was a Sunday
    return o;
}

// Every file under events/, by relative path, with its bytes.
std::map<std::string, std::string> eventFiles(const fs::path& dataDir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dataDir / "events")) {
        if (e.is_regular_file()) {
            files[fs::relative(e.path(), dataDir).string()] = readFile(e.path());
        }
    }
    return files;
}

TEST(Demo, SameSeedGivesTheSameBytes) {
    TempDir a, b, c;
    auto ra = writeDemo(smallDemo(a.path(), 7));
    auto rb = writeDemo(smallDemo(b.path(), 7));
    auto rc = writeDemo(smallDemo(c.path(), 8));
    EXPECT_EQ(ra.spaceGuids, rb.spaceGuids);
    EXPECT_EQ(ra.events, rb.events);
    EXPECT_EQ(ra.bytes, rb.bytes);
    auto fa = eventFiles(a.path());
    EXPECT_GT(fa.size(), 100u);
    EXPECT_TRUE(fa == eventFiles(b.path()));
    EXPECT_EQ(readFile(ra.usersFile), readFile(rb.usersFile));
    EXPECT_NE(ra.spaceGuids, rc.spaceGuids);
    EXPECT_FALSE(fa == eventFiles(c.path()));
}

TEST(Demo, EventsAreRealisticAndInsideTheirHour) {
    TempDir dir;
    auto result = writeDemo(smallDemo(dir.path(), 1));
    Store store(dir.path());
    ASSERT_EQ(result.spaceGuids.size(), 3u);
    std::vector<std::string> domains = {kAccountDomain};
    domains.insert(domains.end(), result.spaceGuids.begin(), result.spaceGuids.end());

    uint64_t events = 0, bytes = 0;
    std::set<std::string> ids, actions, outcomes, severities;
    for (const auto& domain : domains) {
        auto days = store.status(domain, std::nullopt, std::nullopt);
        ASSERT_EQ(days.size(), 3u) << domain;
        EXPECT_EQ(days.back().date.str(), "2017-07-25");
        // Weekday office hours are busier than the night; Sunday is quieter than Tuesday.
        const auto& tuesday = days[2];
        EXPECT_GT(tuesday.hours[10].count, 3 * tuesday.hours[3].count);
        EXPECT_LT(days[0].count, tuesday.count);
        for (const auto& day : days) {
            for (int h = 0; h < 24; ++h) {
                if (day.hours[size_t(h)].count == 0)
                    continue;
                auto snap = store.pin(domain, day.date, day.date, h);
                std::string text = gunzipAll(snapshotBytes(store, snap));
                store.release(snap);
                EXPECT_EQ(text.size(), day.hours[size_t(h)].size);
                int64_t previous = 0;
                for (const auto& line : splitLines(text)) {
                    auto j = nlohmann::json::parse(line);
                    ASSERT_EQ(j.dump(), line);  // what ingest would have stored
                    int64_t t = *at::parseEventTime(j.at("eventTime").get<std::string>());
                    at::HourStamp stamp{day.date, h};
                    EXPECT_EQ(t / (int64_t(3600) * 1000000), stamp.index());
                    EXPECT_GE(t, previous);
                    previous = t;
                    ids.insert(j.at("id").get<std::string>());
                    actions.insert(j.at("action").get<std::string>());
                    outcomes.insert(j.at("outcome").get<std::string>());
                    severities.insert(j.at("severity").get<std::string>());
                    EXPECT_EQ(j.at("id").get<std::string>().size(), 36u);
                    const auto action = j.at("action").get<std::string>();
                    EXPECT_EQ(std::count(action.begin(), action.end(), '.'), 2) << action;
                    // "Service: verb object name", verb and object from the action.
                    const auto message = j.at("message").get<std::string>();
                    const auto verb = action.substr(action.rfind('.') + 1);
                    EXPECT_NE(message.find(": " + verb + " "), std::string::npos) << message;
                    auto code = j.at("reason").at("reasonCode").get<int>();
                    EXPECT_TRUE(
                        std::set<int>({200, 201, 204, 400, 401, 403, 404, 409, 500}).count(code));
                    EXPECT_TRUE(j.at("reason").at("reasonType").is_string());
                    const auto& ini = j.at("initiator");
                    EXPECT_EQ(ini.at("id").get<std::string>().rfind("IBMid-", 0), 0u);
                    EXPECT_NE(ini.at("name").get<std::string>().find('@'), std::string::npos);
                    EXPECT_TRUE(ini.at("typeURI").is_string());
                    auto cred = ini.at("credential").at("type").get<std::string>();
                    EXPECT_TRUE(cred == "token" || cred == "apikey");
                    EXPECT_TRUE(ini.at("host").at("address").is_string());
                    EXPECT_TRUE(ini.at("host").at("agent").is_string());
                    auto crn = j.at("target").at("id").get<std::string>();
                    EXPECT_EQ(crn.rfind("crn:v1:bluemix:public:", 0), 0u) << crn;
                    EXPECT_NE(crn.find(":us-south:a/"), std::string::npos) << crn;
                    EXPECT_TRUE(j.at("target").at("name").is_string());
                    EXPECT_TRUE(j.at("target").at("typeURI").is_string());
                    EXPECT_EQ(j.at("observer").at("name"), "ActivityTracker");
                    EXPECT_TRUE(j.at("message").is_string());
                    EXPECT_TRUE(j.at("logSourceCRN").is_string());
                    EXPECT_TRUE(j.at("dataEvent").is_boolean());
                    EXPECT_TRUE(j.at("saveServiceCopy").is_boolean());
                    ++events;
                    bytes += line.size() + 1;
                }
            }
        }
    }
    EXPECT_EQ(events, result.events);
    EXPECT_EQ(bytes, result.bytes);
    EXPECT_EQ(ids.size(), events);  // ids are unique
    EXPECT_GE(actions.size(), 25u);
    EXPECT_EQ(outcomes, (std::set<std::string>{"success", "failure", "pending"}));
    EXPECT_EQ(severities, (std::set<std::string>{"normal", "warning", "critical"}));
}

TEST(Demo, UsersFileGrantsTheDemoKeyAndAnAuditor) {
    TempDir dir;
    auto result = writeDemo(smallDemo(dir.path(), 1));
    EXPECT_EQ(result.usersFile, dir.path() / "users.json");
    EXPECT_EQ(result.apiKey, "demo-apikey-0123456789abcdef");
    auto users = nlohmann::json::parse(readFile(result.usersFile)).at("users");
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0]["name"], "demo@example.com");
    // sha256("demo-apikey-0123456789abcdef"), as `printf %s KEY | sha256sum` prints it.
    EXPECT_EQ(users[0]["apikey_sha256"],
              "095eae96bc67040e474ff36ff4ff0940eb28427a1f6a8e5ef9afd7145e4a8424");
    EXPECT_EQ(users[0]["account_access"], true);
    ASSERT_EQ(users[0]["spaces"].size(), 3u);
    std::set<std::string> orgs;
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(users[0]["spaces"][i]["guid"], result.spaceGuids[i]);
        orgs.insert(users[0]["spaces"][i]["org"].get<std::string>());
    }
    EXPECT_EQ(orgs.size(), 2u);
    EXPECT_EQ(users[1]["name"], "auditor@example.com");
    EXPECT_EQ(users[1]["apikey_sha256"],
              "c4fbce380659bedd201a823feb22a9f98cd01d4c07a3b20d1c1791db6e23467a");
    EXPECT_EQ(users[1]["account_access"], false);
    ASSERT_EQ(users[1]["spaces"].size(), 1u);
    EXPECT_EQ(users[1]["spaces"][0]["guid"], result.spaceGuids[0]);
}

TEST(Demo, WithoutTheAccountDomainOnlySpacesGetEvents) {
    TempDir dir;
    auto options = smallDemo(dir.path(), 3);
    options.accountDomain = false;
    options.spaces = 1;
    options.days = 1;
    auto result = writeDemo(options);
    EXPECT_EQ(result.events, 3000u);
    Store store(dir.path());
    EXPECT_TRUE(store.status(kAccountDomain, std::nullopt, std::nullopt).empty());
    EXPECT_EQ(store.status(result.spaceGuids[0], std::nullopt, std::nullopt).at(0).count, 3000u);
}

TEST(Demo, RefusesAFolderThatAlreadyHoldsItsEvents) {
    TempDir dir;
    auto options = smallDemo(dir.path(), 3);
    options.spaces = 1;
    options.days = 1;
    options.eventsPerDay = 100;
    auto first = writeDemo(options);
    try {
        writeDemo(options);
        ADD_FAILURE() << "a second demo into the same folder was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("already holds events"), std::string::npos);
    }
    Store store(dir.path());
    EXPECT_EQ(store.status(kAccountDomain, std::nullopt, std::nullopt).at(0).count +
                  store.status(first.spaceGuids[0], std::nullopt, std::nullopt).at(0).count,
              100u);
}

TEST(Demo, RejectsBadOptions) {
    TempDir dir;
    auto options = smallDemo(dir.path(), 1);
    options.days = 0;
    EXPECT_THROW(writeDemo(options), std::invalid_argument);
    options = smallDemo(dir.path(), 1);
    options.spaces = 0;
    options.accountDomain = false;
    EXPECT_THROW(writeDemo(options), std::invalid_argument);
}

TEST(Demo, WritesNoEventAfterItsNow) {
    TempDir dir;
    DemoOptions o = smallDemo(dir.path(), 3);
    // "Now" is 2017-07-25 10:30: nothing after it, and the day's earlier hours are there.
    const int64_t now =
        (int64_t(at::Date::parse("2017-07-25")->days()) * 24 + 10) * 3600000000LL + 30 * 60000000LL;
    o.nowMicros = now;
    auto result = writeDemo(o);
    Store store(dir.path());
    uint64_t stored = 0;
    for (const auto& domain : {std::string(kAccountDomain), result.spaceGuids[0],
                               result.spaceGuids[1], result.spaceGuids[2]}) {
        for (const auto& day : store.status(domain, std::nullopt, std::nullopt)) {
            stored += day.count;
            EXPECT_LE(day.newestMicros, now) << domain << " " << day.date.str();
            if (day.date == *at::Date::parse("2017-07-25")) {
                for (int h = 11; h < 24; ++h)
                    EXPECT_EQ(day.hours[size_t(h)].count, 0u) << "hour " << h;
                EXPECT_GT(day.hours[9].count, 0u);
            }
        }
    }
    EXPECT_EQ(stored, result.events);  // the count it reports is what it stored
}

TEST(DemoFeed, IngestsAtItsRateStampedWithItsClock) {
    TempDir dir;
    auto result = writeDemo(smallDemo(dir.path(), 4));
    Store store(dir.path());
    const auto domains = demoDomains(dir.path());
    ASSERT_EQ(domains.size(), 4u);  // the account and three spaces
    const int64_t t0 = (int64_t(at::Date::parse("2017-07-26")->days()) * 24 + 8) * 3600000000LL;
    DemoFeed feed(store, domains, 20.0, 9, t0);
    EXPECT_EQ(feed.ingestDue(t0), 0u);
    EXPECT_EQ(feed.ingestDue(t0 + 500000), 10u);           // half a second at 20/s
    EXPECT_EQ(feed.ingestDue(t0 + 2000000), 30u);          // the next 1.5 s
    EXPECT_EQ(feed.ingestDue(t0 + 3610000000LL), 72160u);  // into the next hour
    uint64_t total = 0;
    for (const auto& domain : domains) {
        auto days = store.status(domain, at::Date::parse("2017-07-26"), std::nullopt);
        ASSERT_EQ(days.size(), 1u) << domain;
        total += days[0].count;
        EXPECT_GT(days[0].hours[8].count, 0u);
        EXPECT_GT(days[0].hours[9].count, 0u);  // the last events fall into the next hour
        EXPECT_LE(days[0].newestMicros, t0 + 3610000000LL);
    }
    EXPECT_EQ(total, 72200u);
    EXPECT_THROW(DemoFeed(store, domains, 0, 1, t0), std::invalid_argument);
    EXPECT_THROW(DemoFeed(store, {}, 5, 1, t0), std::invalid_argument);
}

}  // namespace
}  // namespace atd::test
