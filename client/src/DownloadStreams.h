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

// The raw bytes [offset, offset + length) of the download, with the same resumes and checks
// as a raw download and every reply a 206 for exactly the bytes still wanted. Throws
// BadRequest for length 0 (and an offset + length past 2^64) before any request.
std::unique_ptr<DownloadStream> openRange(Http& http, TokenSource& tokens, const Domain& domain,
                                          const std::string& sessionId, uint64_t offset,
                                          uint64_t length);

}  // namespace at
