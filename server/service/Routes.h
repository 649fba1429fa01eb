// The v3 API of API.md, one registration function per concern. Routes throw ApiError (or
// IngestError); the server's exception handler turns that into the JSON error reply.
#pragma once

#include "service/ServiceContext.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace atd {

void addAuthRoutes(httplib::Server& server, ServiceContext& ctx);     // token, spaces
void addEventRoutes(httplib::Server& server, ServiceContext& ctx);    // status, ingest, delete
void addOptionRoutes(httplib::Server& server, ServiceContext& ctx);   // retention
void addSessionRoutes(httplib::Server& server, ServiceContext& ctx);  // sessions CRUD
void addDownloadRoute(httplib::Server& server, ServiceContext& ctx);  // events/download
void addInfoRoute(httplib::Server& server, bool tls);                 // /v2/info

// Called before routing. httplib 0.11.4 reads a request body only for POST/PUT/PATCH and a
// DELETE with Content-Length; it leaves a GET's or a chunked DELETE's body unread (and then
// parses it as the next request). IBM's status call is a GET /v3/events with a JSON body
// (chunked in its NodeJS sample) and its delete call a DELETE with one, so such a request is
// routed as a PATCH marked with its method, whose body httplib reads, to its route.
// Goes away with httplib.
void routeBodiesHttplibSkips(const httplib::Request& req);

}  // namespace atd
