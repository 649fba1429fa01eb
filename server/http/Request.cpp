#include "http/Request.h"

#include <strings.h>

namespace atd::http {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string formDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
                   hexValue(text[i + 2]) >= 0) {
            out += char(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

bool CaseLess::operator()(const std::string& a, const std::string& b) const {
    return ::strcasecmp(a.c_str(), b.c_str()) < 0;
}

bool Request::has_header(const std::string& key) const {
    return headers.find(key) != headers.end();
}

std::string Request::get_header_value(const std::string& key) const {
    auto it = headers.find(key);
    return it == headers.end() ? std::string() : it->second;
}

bool Request::has_param(const std::string& key) const {
    return params.find(key) != params.end();
}

std::string Request::get_param_value(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
}

void addFormParams(std::string_view form, Params& params) {
    while (!form.empty()) {
        auto amp = form.find('&');
        auto field = form.substr(0, amp);
        form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
        if (field.empty())
            continue;
        auto eq = field.find('=');
        auto key = formDecode(field.substr(0, eq));
        auto value =
            eq == std::string_view::npos ? std::string() : formDecode(field.substr(eq + 1));
        params.emplace(std::move(key), std::move(value));
    }
}

}  // namespace atd::http
