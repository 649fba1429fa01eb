// The JSON lines of an ingest request. The HTTP layer inflates `Content-Encoding: gzip`
// (server/http/BodyDecoder); a gzip body sent without that header is inflated here, told by
// its magic (JSON text never starts with 0x1f 0x8b).
#pragma once

#include <string>

namespace atd {

// Returns the plain body; inflates a gzip body (all members) up to maxBytes.
// ApiError 400 for corrupt gzip, 413 when the body or its inflated form exceeds maxBytes.
std::string plainIngestBody(std::string body, size_t maxBytes);

}  // namespace atd
