#include "at/Config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace {

namespace fs = std::filesystem;

class ConfigFile : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "atctl-config-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const fs::path& path, const std::string& text, mode_t mode) {
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
    }
    at::ErrorKind loadError(const fs::path& path, std::string* message) {
        try {
            at::loadConfig(path);
        } catch (const at::ApiError& e) {
            *message = e.serviceMessage();
            return e.kind();
        }
        ADD_FAILURE() << "loadConfig accepted " << path;
        return at::ErrorKind::Server;
    }

    fs::path dir_;
};

TEST_F(ConfigFile, SaveThenLoadRoundTripsWithMode0600) {
    at::Config config;
    config.endpoint = "http://127.0.0.1:8080";
    config.apiKey = "secret";
    config.caCert = "/etc/ca.pem";
    config.insecure = true;
    config.org = "acme";
    config.space = "dev";
    config.spaceGuid = "guid-1";
    config.authorizationEndpoint = "http://127.0.0.1:8080/UAALoginServerWAR";
    fs::path path = dir_ / "new" / "atfs" / "config.json";
    at::saveConfig(path, config);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    at::Config back = at::loadConfig(path);
    EXPECT_EQ(back.endpoint, config.endpoint);
    EXPECT_EQ(back.apiKey, config.apiKey);
    EXPECT_EQ(back.caCert, config.caCert);
    EXPECT_TRUE(back.insecure);
    EXPECT_EQ(back.org, "acme");
    EXPECT_EQ(back.space, "dev");
    EXPECT_EQ(back.spaceGuid, "guid-1");
    EXPECT_EQ(back.authorizationEndpoint, config.authorizationEndpoint);
    // No temporary file is left next to it.
    EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), {}), 1);
}

TEST_F(ConfigFile, MissingFileSaysRunLogin) {
    std::string message;
    EXPECT_EQ(loadError(dir_ / "none.json", &message), at::ErrorKind::Config);
    EXPECT_NE(message.find("run atctl login"), std::string::npos) << message;
}

TEST_F(ConfigFile, ReadableByOthersIsRefused) {
    fs::path path = dir_ / "config.json";
    write(path, R"({"endpoint":"http://x","apikey":"k"})", 0644);
    std::string message;
    EXPECT_EQ(loadError(path, &message), at::ErrorKind::Config);
    EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
    ::chmod(path.c_str(), 0600);
    EXPECT_EQ(at::loadConfig(path).apiKey, "k");
}

TEST_F(ConfigFile, BadContentIsRefused) {
    std::string message;
    for (const char* text :
         {"not json", "[1]", R"({"endpoint":"http://x"})", R"({"endpoint":"http://x","apikey":5})",
          R"({"endpoint":"http://x","apikey":"k","insecure":"yes"})"}) {
        fs::path path = dir_ / "config.json";
        write(path, text, 0600);
        EXPECT_EQ(loadError(path, &message), at::ErrorKind::Config) << text;
    }
}

TEST_F(ConfigFile, DefaultPathFollowsXdg) {
    const char* saved = std::getenv("XDG_CONFIG_HOME");
    std::string restore = saved ? saved : "";
    ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-here", 1);
    EXPECT_EQ(at::defaultConfigPath(), fs::path("/tmp/xdg-here/atfs/config.json"));
    ::setenv("XDG_CONFIG_HOME", "relative", 1);  // not absolute: ignored, as the spec says
    EXPECT_EQ(at::defaultConfigPath().filename(), "config.json");
    EXPECT_NE(at::defaultConfigPath().string().rfind("relative", 0), 0u);
    if (saved) {
        ::setenv("XDG_CONFIG_HOME", restore.c_str(), 1);
    } else {
        ::unsetenv("XDG_CONFIG_HOME");
    }
}

TEST_F(ConfigFile, ClientOptionsCarryTheConnection) {
    at::Config config;
    config.endpoint = "https://at";
    config.apiKey = "k";
    config.caCert = "/ca.pem";
    config.authorizationEndpoint = "https://login/UAALoginServerWAR";
    at::ClientOptions options = at::clientOptionsFrom(config);
    EXPECT_EQ(options.endpoint, "https://at");
    EXPECT_EQ(options.authorizationEndpoint, "https://login/UAALoginServerWAR");
    EXPECT_EQ(options.apiKey, "k");
    EXPECT_EQ(options.caCert, "/ca.pem");
    EXPECT_FALSE(options.insecure);
    EXPECT_THROW(at::clientOptionsFrom(at::Config{}), at::ApiError);
}

}  // namespace
