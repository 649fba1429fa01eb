// The JSON lines of an ingest request. httplib inflates `Content-Encoding: gzip` itself when
// built with zlib, and hands the raw bytes on otherwise; the gzip magic tells which happened
// (JSON text never starts with 0x1f 0x8b), so both builds accept the same requests.
#pragma once

#include <string>

namespace atd {

// Returns the plain body; inflates a gzip body (all members) up to maxBytes.
// ApiError 400 for corrupt gzip, 413 when the body or its inflated form exceeds maxBytes.
std::string plainIngestBody(std::string body, size_t maxBytes);

}  // namespace atd
