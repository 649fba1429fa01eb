// The saved credentials and target (Config.h): a small JSON file that must stay private.
#include "at/Config.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "at/Error.h"
#include "at/SecretMemory.h"

namespace at {
namespace {

// The "apikey" string inside a parsed or built config, wiped when the scope ends.
struct WipeJsonOnExit {
    explicit WipeJsonOnExit(nlohmann::json& json) : j(json) {}
    WipeJsonOnExit(const WipeJsonOnExit&) = delete;
    WipeJsonOnExit& operator=(const WipeJsonOnExit&) = delete;
    nlohmann::json& j;
    ~WipeJsonOnExit() {
        if (j.is_object() && j.contains("apikey") && j["apikey"].is_string())
            wipe(j["apikey"].get_ref<std::string&>());
    }
};

[[noreturn]] void fail(const std::string& message) {
    throw ApiError(ErrorKind::Config, "config", 0, message);
}

std::string errnoText() {
    return std::strerror(errno);
}

// Closes a descriptor on every path out of a scope.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

// The text holds the API key: read into room reserved from the file's size (no reallocation
// leaves a copy behind), the stack buffer wiped on the way out; the caller wipes the text.
std::string readAll(int fd, const std::filesystem::path& path, size_t sizeHint) {
    std::string text;
    text.reserve(sizeHint + 1);
    char buf[8192];
    struct WipeBuf {
        char* p;
        size_t n;
        ~WipeBuf() { ::explicit_bzero(p, n); }
    } wipeBuf{buf, sizeof buf};
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail("cannot read config file " + path.string() + ": " + errnoText());
        }
        if (n == 0) {
            return text;
        }
        text.append(buf, size_t(n));
    }
}

std::string optionalString(const nlohmann::json& j, const char* key,
                           const std::filesystem::path& path) {
    if (!j.contains(key) || j[key].is_null()) {
        return {};
    }
    if (!j[key].is_string()) {
        fail("config file " + path.string() + ": \"" + key + "\" must be a string");
    }
    return j[key].get<std::string>();
}

void writeAll(int fd, const std::string& text, const std::string& tmp) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail("cannot write config file " + tmp + ": " + errnoText());
        }
        done += size_t(n);
    }
}

}  // namespace

std::filesystem::path defaultConfigPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/') {
        return std::filesystem::path(xdg) / "atfs" / "config.json";
    }
    const char* home = std::getenv("HOME");
    std::string homeDir = home && home[0] ? home : "";
    if (homeDir.empty()) {
        if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) {
            homeDir = pw->pw_dir;
        }
    }
    return std::filesystem::path(homeDir) / ".config" / "atfs" / "config.json";
}

Config loadConfig(const std::filesystem::path& path) {
    Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        if (errno == ENOENT) {
            fail("no config file at " + path.string() + " — run atctl login");
        }
        fail("cannot open config file " + path.string() + ": " + errnoText());
    }
    // Checked on the open descriptor, so the file we judge is the file we read.
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) {
        fail("cannot stat config file " + path.string() + ": " + errnoText());
    }
    if (!S_ISREG(st.st_mode)) {
        fail("config file " + path.string() + " is not a regular file");
    }
    if (st.st_mode & 077) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        fail("config file " + path.string() + " is readable by others (mode " + mode +
             "), but it holds an API key — run chmod 600 " + path.string());
    }
    std::string text = readAll(file.fd, path, size_t(std::max<off_t>(st.st_size, 0)));
    WipeOnExit wipeText(text);
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    WipeJsonOnExit wipeJson(j);
    if (j.is_discarded() || !j.is_object()) {
        fail("config file " + path.string() + " is not a JSON object — run atctl login");
    }
    Config config;
    config.endpoint = optionalString(j, "endpoint", path);
    config.authorizationEndpoint = optionalString(j, "authorization_endpoint", path);
    config.apiKey = optionalString(j, "apikey", path);
    config.caCert = optionalString(j, "cacert", path);
    config.org = optionalString(j, "org", path);
    config.space = optionalString(j, "space", path);
    config.spaceGuid = optionalString(j, "space_guid", path);
    if (j.contains("insecure") && !j["insecure"].is_null()) {
        if (!j["insecure"].is_boolean()) {
            fail("config file " + path.string() + ": \"insecure\" must be true or false");
        }
        config.insecure = j["insecure"].get<bool>();
    }
    if (config.endpoint.empty() || config.apiKey.empty()) {
        fail("config file " + path.string() + " has no endpoint or API key — run atctl login");
    }
    return config;
}

void saveConfig(const std::filesystem::path& path, const Config& config) {
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            fail("cannot create folder " + dir.string() + ": " + ec.message());
        }
        // Only a folder we created is ours to restrict.
        ::chmod(dir.c_str(), 0700);
    }

    nlohmann::json j = {{"endpoint", config.endpoint}, {"apikey", config.apiKey.str()}};
    if (!config.authorizationEndpoint.empty()) {
        j["authorization_endpoint"] = config.authorizationEndpoint;
    }
    if (!config.caCert.empty()) {
        j["cacert"] = config.caCert;
    }
    if (config.insecure) {
        j["insecure"] = true;
    }
    if (!config.org.empty()) {
        j["org"] = config.org;
    }
    if (!config.space.empty()) {
        j["space"] = config.space;
    }
    if (!config.spaceGuid.empty()) {
        j["space_guid"] = config.spaceGuid;
    }
    WipeJsonOnExit wipeJson(j);
    std::string text = j.dump(2);
    WipeOnExit wipeText(text);

    // mkstemp creates the file 0600, so the key is never readable by others, not even briefly.
    std::string tmp = (dir / (path.filename().string() + ".XXXXXX")).string();
    Fd file{::mkstemp(tmp.data())};
    if (file.fd < 0) {
        fail("cannot create a temporary file in " + dir.string() + ": " + errnoText());
    }
    try {
        if (::fchmod(file.fd, 0600) != 0) {
            fail("cannot set mode 0600 on " + tmp + ": " + errnoText());
        }
        writeAll(file.fd, text, tmp);
        writeAll(file.fd, "\n", tmp);
        if (::fsync(file.fd) != 0) {
            fail("cannot write config file " + tmp + ": " + errnoText());
        }
        if (::rename(tmp.c_str(), path.c_str()) != 0) {
            fail("cannot replace config file " + path.string() + ": " + errnoText());
        }
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

ClientOptions clientOptionsFrom(const Config& config) {
    if (config.endpoint.empty() || config.apiKey.empty()) {
        fail("the configuration has no endpoint or API key — run atctl login");
    }
    ClientOptions options;
    options.endpoint = config.endpoint;
    options.authorizationEndpoint = config.authorizationEndpoint;
    options.apiKey = config.apiKey;
    options.caCert = config.caCert;
    options.insecure = config.insecure;
    return options;
}

}  // namespace at
