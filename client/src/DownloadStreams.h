// The reader's half of a download: DownloadStream implementations over a DownloadTransfer.
#pragma once

#include <memory>
#include <string>

#include "Http.h"
#include "TokenSource.h"
#include "at/Client.h"

namespace at {

// Starts the transfer and waits for the first reply's headers, so a refused download
// (404, 403, 401 after a refresh) throws here rather than on the first read().
std::unique_ptr<DownloadStream> openDownload(Http& http, TokenSource& tokens, const Domain& domain,
                                             const std::string& sessionId, DownloadMode mode,
                                             uint64_t rawOffset);

}  // namespace at
