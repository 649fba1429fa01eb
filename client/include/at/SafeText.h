// Request and reply bytes that end up in a message (an error reply, a log line) are untrusted:
// they may be invalid UTF-8, hold control characters or be megabytes long. nlohmann::json's
// dump() throws on invalid UTF-8, and a terminal interprets control bytes, so every such
// message goes through printable() first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace at {

// Valid UTF-8 of at most about maxBytes bytes: well-formed UTF-8 sequences kept, every other
// byte (invalid sequences, C0 controls, DEL) written as \xNN, and a cut marked with "...".
std::string printable(std::string_view bytes, std::size_t maxBytes = 120);

}  // namespace at
