// The users file (DATA/users.json): who may log in with which API key, and which spaces
// each one sees. Keys are held only as SHA-256 digests and compared in constant time.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atd {

struct SpaceInfo {
    std::string guid;
    std::string name;
    std::string org;
};

using KeyDigest = std::array<unsigned char, 32>;

struct User {
    std::string name;
    KeyDigest apikeySha256{};
    bool accountAccess = false;
    std::vector<SpaceInfo> spaces;  // sorted by org, then name

    bool grants(std::string_view spaceGuid) const;
};

KeyDigest sha256(std::string_view data);
std::string toHex(const unsigned char* data, size_t size);

class Users {
  public:
    // Throws std::runtime_error with one line saying what is wrong with the file.
    static Users load(const std::filesystem::path& file);

    // The user whose key this is, or nullptr. Every user's digest is compared, always, so the
    // time taken does not tell which one matched or how much of it.
    const User* findByApiKey(std::string_view apikey) const;
    const User* findByName(std::string_view name) const;
    size_t size() const { return users_.size(); }

  private:
    std::vector<User> users_;
};

}  // namespace atd
