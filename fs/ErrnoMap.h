// The one table from service errors to errno, and the log line that goes with it.
#pragma once

#include <string>

#include "at/Error.h"

namespace atfs {

int errnoFor(at::ErrorKind kind);

// Logs "what (file, session): why - what to do" and returns the errno for `error`.
int reportError(const std::string& what, const std::string& file, const std::string& session,
                const at::ApiError& error);

}  // namespace atfs
