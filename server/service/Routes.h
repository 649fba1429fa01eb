// The v3 API of API.md, one registration function per concern. Routes throw ApiError (or
// IngestError); the server's exception handler turns that into the JSON error reply.
#pragma once

#include "http/Router.h"
#include "service/ServiceContext.h"

namespace atd {

void addAuthRoutes(http::Router& server, ServiceContext& ctx);     // token, spaces
void addEventRoutes(http::Router& server, ServiceContext& ctx);    // status, ingest, delete
void addOptionRoutes(http::Router& server, ServiceContext& ctx);   // retention
void addSessionRoutes(http::Router& server, ServiceContext& ctx);  // sessions CRUD
void addDownloadRoute(http::Router& server, ServiceContext& ctx);  // events/download
void addInfoRoute(http::Router& server, bool tls);                 // /v2/info

}  // namespace atd
