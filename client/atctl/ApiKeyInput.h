// Where `atctl login` gets the API key: never from argv, where `ps` would show it.
#pragma once

#include <string>

namespace atctl {

// In order: $ATFS_APIKEY, the file given (--apikey-file), stdin when it is not a terminal,
// else a prompt on the terminal without echo. Surrounding whitespace is dropped.
// Throws UsageError when there is no key, LocalFileError when the file is unreadable.
// The key comes back in the one buffer it was read into (hand it to an at::SecretString, which
// wipes it); $ATFS_APIKEY itself stays in the environment, which atctl does not own.
std::string readApiKey(const std::string& apikeyFile);

}  // namespace atctl
