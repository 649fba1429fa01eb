// What atd reads from and hands to one libmicrohttpd connection: its header and query values,
// its peer, the status MHD queued, and a Response turned into an MHD reply.
#pragma once

#include <microhttpd.h>

#include <string>

#include "http/Request.h"
#include "http/Response.h"

namespace atd::http {

// Header lines into req.headers, query arguments into req.params.
void collectValues(MHD_Connection* connection, Request& req);

// The peer's address ("127.0.0.1", "::1"); "" when MHD has none.
std::string peerAddress(MHD_Connection* connection);

// The status of the reply queued on the connection, MHD's own refusals included; 0 if none.
int queuedStatus(MHD_Connection* connection);

// Queues `res` (200 when it set no status); false when MHD refused it (the connection is cut).
bool queueReply(MHD_Connection* connection, Response& res);

}  // namespace atd::http
