#include "ApiFixture.h"

#include <openssl/sha.h>
#include <zlib.h>

#include <fstream>

#include "at/Gzip.h"

namespace atdtest {

namespace {

std::string sha256Hex(const std::string& text) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d);
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (unsigned char c : d) {
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    return hex;
}

}  // namespace

void writeUsersFile(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    nlohmann::json users = {
        {"users",
         {{{"name", "alice@example.com"},
           {"apikey_sha256", sha256Hex(kAliceKey)},
           {"account_access", true},
           {"spaces",
            {{{"guid", kSpaceProd}, {"name", "prod"}, {"org", "acme"}},
             {{"guid", kSpaceDev}, {"name", "dev"}, {"org", "acme"}}}}},
          {{"name", "bob@example.com"},
           {"apikey_sha256", sha256Hex(kBobKey)},
           {"account_access", false},
           {"spaces", {{{"guid", kSpaceDev}, {"name", "dev"}, {"org", "acme"}}}}}}}};
    std::ofstream(dir / "users.json") << users.dump(2);
}

std::string eventLine(const std::string& id, const std::string& eventTime) {
    nlohmann::json e = {{"id", id},
                        {"eventTime", eventTime},
                        {"action", "iam.apikey.login"},
                        {"outcome", "success"},
                        {"initiator", {{"id", "IBMid-1"}, {"name", "alice@example.com"}}},
                        {"message", "login " + id}};
    return e.dump();
}

std::string gzipBytes(const std::string& plain) {
    return at::gzipMember(plain, 6);
}

std::string gunzipAll(const std::string& gz) {
    std::string out;
    z_stream zs{};
    inflateInit2(&zs, 16 + MAX_WBITS);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    zs.avail_in = uInt(gz.size());
    char buf[65536];
    while (zs.avail_in > 0) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (rc == Z_STREAM_END) {
            inflateReset(&zs);
        } else if (rc != Z_OK) {
            ADD_FAILURE() << "corrupt gzip (zlib rc " << rc << ")";
            break;
        }
    }
    inflateEnd(&zs);
    return out;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            ADD_FAILURE() << "last line has no newline";
            lines.push_back(text.substr(pos));
            break;
        }
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

Caller::Caller(int port, const std::string& apikey, std::string space_)
    : space(std::move(space_)), http("127.0.0.1", port) {
    http.set_read_timeout(30, 0);
    httplib::Headers basic{{"Authorization", "Basic Y2Y6"}};
    auto res = http.Post("/UAALoginServerWAR/oauth/token", basic,
                         "grant_type=password&username=apikey&password=" + apikey,
                         "application/x-www-form-urlencoded");
    if (!res || res->status != 200) {
        ADD_FAILURE() << "login failed: " << (res ? res->body : httplib::to_string(res.error()));
        return;
    }
    token = nlohmann::json::parse(res->body).at("access_token").get<std::string>();
}

httplib::Headers Caller::headers() const {
    return {{"X-Auth-Token", "bearer " + token}, {"X-Auth-Project-Id", space}};
}

httplib::Headers Caller::headersWith(httplib::Headers extra) const {
    auto h = headers();
    h.insert(extra.begin(), extra.end());
    return h;
}

httplib::Result Caller::get(const std::string& path, httplib::Headers extra) {
    return http.Get(path.c_str(), headersWith(std::move(extra)));
}
httplib::Result Caller::post(const std::string& path, const std::string& body,
                             const std::string& type) {
    return http.Post(path.c_str(), headers(), body, type.c_str());
}
httplib::Result Caller::del(const std::string& path) {
    return http.Delete(path.c_str(), headers());
}
httplib::Result Caller::put(const std::string& path, const std::string& body) {
    return http.Put(path.c_str(), headers(), body, "application/json");
}

nlohmann::json Caller::createSession(const nlohmann::json& body) {
    auto res = post("/v3/sessions", body.dump());
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) {
        return {};
    }
    EXPECT_EQ(res->status, 201) << res->body;
    return nlohmann::json::parse(res->body, nullptr, false);
}

std::string Caller::download(const std::string& sessionId) {
    auto res = get("/v3/events/download", {{"SESSIONID", sessionId}});
    EXPECT_TRUE(res);
    if (!res) {
        return {};
    }
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(res->body.size()));
    return res->body;
}

uint64_t Caller::ingest(const std::string& lines, bool accountLevel) {
    auto res = post(std::string("/v3/events?AtAccountLevel=") + (accountLevel ? "true" : "false"),
                    lines, "application/x-ndjson");
    EXPECT_TRUE(res);
    if (!res) {
        return 0;
    }
    EXPECT_EQ(res->status, 200) << res->body;
    return nlohmann::json::parse(res->body).value("accepted", uint64_t(0));
}

nlohmann::json bodyOf(const httplib::Result& res) {
    if (!res) {
        ADD_FAILURE() << "no reply: " << httplib::to_string(res.error());
        return {};
    }
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << res->body;
    return j;
}

std::string expectError(const httplib::Result& res, int status, const std::string& code) {
    if (!res) {
        ADD_FAILURE() << "no reply: " << httplib::to_string(res.error());
        return {};
    }
    EXPECT_EQ(res->status, status) << res->body;
    auto j = bodyOf(res);
    if (!j.is_object() || !j.contains("error")) {
        ADD_FAILURE() << "no error object: " << res->body;
        return {};
    }
    EXPECT_EQ(j["error"].value("code", ""), code) << res->body;
    auto message = j["error"].value("message", "");
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find('\n'), std::string::npos);
    return message;
}

void ApiTest::SetUp() {
    writeUsersFile(dataDir());
    startAtd();
}

void ApiTest::startAtd(std::vector<std::string> extraArgs) {
    atd.reset();
    atd = std::make_unique<AtdProcess>(dataDir(), std::move(extraArgs));
}

}  // namespace atdtest
