// Test support: a data folder with a users file of three users, an atd serving it, and an
// HTTP client that logs in and sends the v3 headers. Helpers build CADF events and gzip.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "AtdProcess.h"

namespace atdtest {

inline const std::string kAliceKey = "alice-key-0123456789";  // account access; s-dev, s-prod
inline const std::string kBobKey = "bob-key-0123456789";      // no account access; s-dev
inline const std::string kSpaceDev = "11111111-aaaa-4000-8000-000000000001";
inline const std::string kSpaceProd = "22222222-bbbb-4000-8000-000000000002";
inline const std::string kSpaceOther = "33333333-cccc-4000-8000-000000000003";  // nobody's

// Writes DIR/users.json for alice and bob.
void writeUsersFile(const std::filesystem::path& dir);

// A minimal CADF event line (no '\n').
std::string eventLine(const std::string& id, const std::string& eventTime);
std::string gzipBytes(const std::string& plain);
std::string gunzipAll(const std::string& gz);  // every member; ADD_FAILURE on corrupt data
std::vector<std::string> splitLines(const std::string& text);

// One logged-in caller.
class Caller {
  public:
    Caller(int port, const std::string& apikey, std::string space);
    httplib::Headers headers() const;
    httplib::Headers headersWith(httplib::Headers extra) const;

    httplib::Result get(const std::string& path, httplib::Headers extra = {});
    httplib::Result post(const std::string& path, const std::string& body,
                         const std::string& type = "application/json");
    httplib::Result del(const std::string& path);
    httplib::Result put(const std::string& path, const std::string& body);

    // POST /v3/sessions; expects 201 and returns the session object.
    nlohmann::json createSession(const nlohmann::json& body);
    // GET /v3/events/download of a session; expects 200 and returns the gzip bytes.
    std::string download(const std::string& sessionId);
    // POST /v3/events; expects 200 and returns accepted.
    uint64_t ingest(const std::string& lines, bool accountLevel = false);

    std::string token;
    std::string space;
    httplib::Client http;
};

nlohmann::json bodyOf(const httplib::Result& res);
// Checks the API.md error shape and status, returns the message.
std::string expectError(const httplib::Result& res, int status, const std::string& code);

// A fresh data folder with the users file and a running atd.
class ApiTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void startAtd(std::vector<std::string> extraArgs = {});
    std::filesystem::path dataDir() const { return tmp.path() / "data"; }

    TempDir tmp;
    std::unique_ptr<AtdProcess> atd;
};

}  // namespace atdtest
