// The listening socket of an HTTP server, made before the server starts so that the bound
// port is known (port 0 picks a free one) and a bind error is one clear line.
#pragma once

#include <string>

namespace atd::http {

// A listening TCP socket on host:port (a name or an address); sets the bound port and whether
// it is IPv6. Throws std::runtime_error with one line for a person.
int listenSocket(const std::string& host, int port, int& boundPort, bool& ipv6);

std::string printableHostPort(const std::string& host, int port);

}  // namespace atd::http
