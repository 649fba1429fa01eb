// Every failure becomes one line on stderr and an exit code (ExitCodes.h).
#pragma once

#include <stdexcept>
#include <string>

#include "at/Error.h"

namespace atctl {

// A problem with what the user typed: exit 1.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A local input or output file that cannot be read or written: exit 11.
class LocalFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// "atctl: POST /v3/sessions failed (400): <service message> — <what to do>"
std::string describe(const at::ApiError& error);

// What the user can do about an error of that kind (after the em dash).
std::string adviceFor(const at::ApiError& error);

// Prints "atctl: <line>" on stderr.
void reportError(const std::string& line);

}  // namespace atctl
