// The route table: method + path pattern → handler, and the body cap of each route. The
// registration calls have cpp-httplib's names (Get, Post, Put, Delete), so the add*Routes
// functions read the same as before.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "http/Request.h"
#include "http/Response.h"

namespace atd::http {

// Reads a streamed request body: calls the receiver with each piece; false if the receiver
// stopped it. The server has already decoded the body within the route's cap.
class ContentReader {
  public:
    using Receiver = std::function<bool(const char* data, size_t n)>;
    explicit ContentReader(std::function<bool(const Receiver&)> read) : read_(std::move(read)) {}
    bool operator()(const Receiver& receiver) const { return read_(receiver); }

  private:
    std::function<bool(const Receiver&)> read_;
};

using Handler = std::function<void(const Request&, Response&)>;
using HandlerWithReader = std::function<void(const Request&, Response&, const ContentReader&)>;

struct Route {
    std::string method;
    std::string pattern;  // as registered: the route's name in logs and metrics
    std::regex regex;
    Handler handler;                  // one of these two is set
    HandlerWithReader readerHandler;  // streamed body: the large cap applies
    bool bigBody() const { return bool(readerHandler); }
};

class Router {
  public:
    void Get(const std::string& pattern, Handler handler);
    void Post(const std::string& pattern, Handler handler);
    void Post(const std::string& pattern, HandlerWithReader handler);
    void Put(const std::string& pattern, Handler handler);
    void Delete(const std::string& pattern, Handler handler);

    struct Match {
        const Route* route = nullptr;  // null: no route for this method and path
        bool pathKnown = false;        // some other method has this path (405, not 404)
    };
    // HEAD is answered by the GET route (the server sends no body). `matches` gets the groups.
    Match find(const std::string& method, const std::string& path, std::smatch& matches) const;

  private:
    void add(std::string method, const std::string& pattern, Handler handler,
             HandlerWithReader readerHandler);
    std::vector<Route> routes_;
};

}  // namespace atd::http
