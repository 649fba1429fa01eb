// The credentials and target that `atctl login`/`atctl target` save and atfs reads:
// $XDG_CONFIG_HOME/atfs/config.json (else ~/.config/atfs/config.json), mode 0600.
// JSON keys: "endpoint", "authorization_endpoint", "apikey", "cacert", "insecure", "org",
// "space", "space_guid"; only "endpoint" and "apikey" are required.
#pragma once

#include <filesystem>
#include <string>

#include "at/Client.h"

namespace at {

struct Config {
    std::string endpoint;               // "http://127.0.0.1:8080"
    std::string authorizationEndpoint;  // the UAA base (GET /v2/info); empty: on endpoint
    SecretString apiKey;                // secret: the file is 0600, never printed
    std::string caCert;                 // optional PEM path
    bool insecure = false;              // only for self-signed test servers
    std::string org;                    // target org name
    std::string space;                  // target space name
    std::string spaceGuid;              // target space GUID (X-Auth-Project-Id)
};

std::filesystem::path defaultConfigPath();

// Throws ApiError(Config) naming the file and the problem (missing, unreadable, bad JSON,
// or readable by group/others: the key must stay private).
Config loadConfig(const std::filesystem::path& path);

// Writes atomically (temp file + rename) with mode 0600, creating the folder (0700).
void saveConfig(const std::filesystem::path& path, const Config& config);

ClientOptions clientOptionsFrom(const Config& config);

}  // namespace at
