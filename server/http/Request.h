// One HTTP request as a route sees it: the same member names cpp-httplib used (req.body,
// get_header_value, get_param_value, matches), so route code reads the same on any server.
#pragma once

#include <map>
#include <regex>
#include <string>

namespace atd::http {

// Header names compare without case (RFC 9110 5.1).
struct CaseLess {
    bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseLess>;
using Params = std::multimap<std::string, std::string>;

struct Request {
    std::string method;
    std::string path;  // percent-decoded, without the query; may hold any bytes
    Headers headers;
    Params params;        // query arguments, and the fields of a form-urlencoded body
    std::string body;     // decoded (transfer and content encoding), within the route's cap
    std::smatch matches;  // the route pattern's groups over `path`
    std::string remoteAddr;

    bool has_header(const std::string& key) const;
    std::string get_header_value(const std::string& key) const;  // "" when absent
    bool has_param(const std::string& key) const;
    std::string get_param_value(const std::string& key) const;  // "" when absent
};

// Adds the fields of an application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
void addFormParams(std::string_view form, Params& params);

}  // namespace atd::http
