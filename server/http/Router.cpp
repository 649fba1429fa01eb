#include "http/Router.h"

namespace atd::http {

void Router::add(std::string method, const std::string& pattern, Handler handler,
                 HandlerWithReader readerHandler) {
    routes_.push_back(Route{std::move(method), pattern, std::regex(pattern), std::move(handler),
                            std::move(readerHandler)});
}

void Router::Get(const std::string& pattern, Handler handler) {
    add("GET", pattern, std::move(handler), nullptr);
}

void Router::Post(const std::string& pattern, Handler handler) {
    add("POST", pattern, std::move(handler), nullptr);
}

void Router::Post(const std::string& pattern, HandlerWithReader handler) {
    add("POST", pattern, nullptr, std::move(handler));
}

void Router::Put(const std::string& pattern, Handler handler) {
    add("PUT", pattern, std::move(handler), nullptr);
}

void Router::Delete(const std::string& pattern, Handler handler) {
    add("DELETE", pattern, std::move(handler), nullptr);
}

Router::Match Router::find(const std::string& method, const std::string& path,
                           std::smatch& matches) const {
    const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
    Match match;
    for (const auto& route : routes_) {
        std::smatch groups;
        if (!std::regex_match(path, groups, route.regex))
            continue;
        if (route.method == wanted) {
            matches = std::move(groups);
            match.route = &route;
            return match;
        }
        match.pathKnown = true;
    }
    return match;
}

}  // namespace atd::http
