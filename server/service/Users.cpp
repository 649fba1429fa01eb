#include "service/Users.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace atd {

bool User::grants(std::string_view spaceGuid) const {
    return std::any_of(spaces.begin(), spaces.end(),
                       [&](const SpaceInfo& s) { return s.guid == spaceGuid; });
}

KeyDigest sha256(std::string_view data) {
    KeyDigest digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    return digest;
}

std::string toHex(const unsigned char* data, size_t size) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

namespace {

std::optional<KeyDigest> parseHexDigest(const std::string& hex) {
    if (hex.size() != 64) {
        return std::nullopt;
    }
    KeyDigest digest{};
    for (size_t i = 0; i < 32; ++i) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
            return -1;
        };
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        digest[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return digest;
}

User parseUser(const nlohmann::json& j, size_t index) {
    auto where = "user #" + std::to_string(index + 1);
    if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) {
        throw std::runtime_error(where + " has no string \"name\"");
    }
    User user;
    user.name = j["name"].get<std::string>();
    where += " (" + user.name + ")";
    auto digest = j.contains("apikey_sha256") && j["apikey_sha256"].is_string()
                      ? parseHexDigest(j["apikey_sha256"].get<std::string>())
                      : std::nullopt;
    if (!digest) {
        throw std::runtime_error(where + ": \"apikey_sha256\" must be 64 hex digits");
    }
    user.apikeySha256 = *digest;
    user.accountAccess = j.value("account_access", false);
    for (const auto& s : j.value("spaces", nlohmann::json::array())) {
        if (!s.is_object() || !s.contains("guid") || !s["guid"].is_string()) {
            throw std::runtime_error(where + ": a space has no string \"guid\"");
        }
        user.spaces.push_back(
            {s["guid"].get<std::string>(), s.value("name", ""), s.value("org", "")});
    }
    std::sort(user.spaces.begin(), user.spaces.end(), [](const auto& a, const auto& b) {
        return std::tie(a.org, a.name, a.guid) < std::tie(b.org, b.name, b.guid);
    });
    return user;
}

}  // namespace

Users Users::load(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read users file " + file.string() +
                                 ": it does not exist or is not readable (create it with "
                                 "`atd demo` or pass --users FILE)");
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw std::runtime_error("users file " + file.string() + " is not valid JSON: " + e.what());
    }
    if (!doc.is_object() || !doc.contains("users") || !doc["users"].is_array()) {
        throw std::runtime_error("users file " + file.string() +
                                 " must be an object with a \"users\" array");
    }
    Users users;
    try {
        for (size_t i = 0; i < doc["users"].size(); ++i) {
            users.users_.push_back(parseUser(doc["users"][i], i));
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("users file " + file.string() + ": " + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("users file " + file.string() + ": " + e.what());
    }
    return users;
}

const User* Users::findByApiKey(std::string_view apikey) const {
    auto digest = sha256(apikey);
    const User* found = nullptr;
    for (const auto& user : users_) {
        bool same = CRYPTO_memcmp(digest.data(), user.apikeySha256.data(), digest.size()) == 0;
        if (same && !found) {
            found = &user;
        }
    }
    return found;
}

const User* Users::findByName(std::string_view name) const {
    for (const auto& user : users_) {
        if (user.name == name) {
            return &user;
        }
    }
    return nullptr;
}

}  // namespace atd
