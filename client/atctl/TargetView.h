// How login and target show the saved target (endpoint, user, org, space).
#pragma once

#include <string>

#include "at/Config.h"
#include "at/Types.h"

namespace atctl {

// user may be empty when the service was not asked.
void printTarget(const at::Config& config, const std::string& user, bool json);

// Picks the space named by org and/or space among those the credentials see; throws
// UsageError when none or several match.
at::Space resolveSpace(const at::SpaceList& list, const std::string& org, const std::string& space);

}  // namespace atctl
