#include "service/TokenStore.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace atd {

std::string randomHex(size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed: no random bytes for a token");
    }
    return toHex(buf.data(), buf.size());
}

IssuedToken TokenStore::issue(const std::string& userName) {
    IssuedToken issued{randomHex(32), randomHex(16), ttl_.count()};
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    dropExpiredLocked(now);
    byDigest_[sha256(issued.token)] = Entry{userName, now + ttl_};
    return issued;
}

std::optional<std::string> TokenStore::userOf(const std::string& token) {
    auto digest = sha256(token);
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    auto it = byDigest_.find(digest);
    if (it == byDigest_.end() || it->second.expires <= now) {
        return std::nullopt;
    }
    return it->second.userName;
}

void TokenStore::dropExpiredLocked(Clock::time_point now) {
    for (auto it = byDigest_.begin(); it != byDigest_.end();) {
        it = it->second.expires <= now ? byDigest_.erase(it) : std::next(it);
    }
}

}  // namespace atd
