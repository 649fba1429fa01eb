// The v3 API of API.md, one registration function per concern. Routes throw ApiError (or
// IngestError); the server's exception handler turns that into the JSON error reply.
#pragma once

#include "service/ServiceContext.h"

namespace httplib {
class Server;
}

namespace atd {

void addAuthRoutes(httplib::Server& server, ServiceContext& ctx);     // token, spaces
void addEventRoutes(httplib::Server& server, ServiceContext& ctx);    // status, ingest, delete
void addOptionRoutes(httplib::Server& server, ServiceContext& ctx);   // retention
void addSessionRoutes(httplib::Server& server, ServiceContext& ctx);  // sessions CRUD
void addDownloadRoute(httplib::Server& server, ServiceContext& ctx);  // events/download

}  // namespace atd
