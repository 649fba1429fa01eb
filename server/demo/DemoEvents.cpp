#include "demo/DemoEvents.h"

#include <algorithm>
#include <cstring>

#include "at/Time.h"
#include "demo/DemoCatalog.h"

namespace atd::demo {
namespace {

// A JSON string body escaped as nlohmann::json::dump() does (our vocabulary needs none of it,
// but a name from a table must never break a line).
void appendEscaped(std::string& out, std::string_view s) {
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20)
            continue;
        out.append(s.substr(start, i - start));
        start = i + 1;
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
            out += buf;
        }
    }
    out.append(s.substr(start));
}

void field(std::string& out, const char* keyWithQuotes, std::string_view value) {
    out += keyWithQuotes;
    out.push_back('"');
    appendEscaped(out, value);
    out.push_back('"');
}

std::string ipv4(Random& r) {
    // Public-looking addresses, avoiding 0.x, 10.x, 127.x and multicast.
    static const int kFirst[] = {52, 81, 129, 146, 158, 161, 169, 185, 192, 198, 203, 212};
    return std::to_string(r.pick(kFirst)) + "." + std::to_string(r.below(256)) + "." +
           std::to_string(r.below(256)) + "." + std::to_string(1 + r.below(254));
}

}  // namespace

DemoWorld::DemoWorld(uint64_t s) : seed(s) {
    Random r = Random::derived(seed, {0xacc0});
    accountId = r.hex(32);
    for (size_t i = 0; i < std::size(kPeople); ++i) {
        Random pr = Random::derived(seed, {0x9e0, i});
        DemoPerson p;
        p.email = std::string(kPeople[i].first) + "." + kPeople[i].last + "@example.com";
        std::string digits = std::to_string(100000 + pr.below(900000));
        std::string letters;
        for (int k = 0; k < 4; ++k)
            letters.push_back(char('A' + pr.below(26)));
        p.iamId = "IBMid-" + digits + letters;
        p.addresses[0] = ipv4(pr);
        p.addresses[1] = ipv4(pr);
        people.push_back(std::move(p));
    }
}

EventWriter::EventWriter(const DemoWorld& world, const std::string& domain, Random random)
    : world_(world), random_(random) {
    const uint64_t domainHash = stableHash(domain);
    unsigned total = 0;
    for (size_t i = 0; i < std::size(kActions); ++i) {
        const auto& spec = kActions[i];
        std::string_view action = spec.action;
        size_t d1 = action.find('.'), d2 = action.rfind('.');
        ActionState st;
        st.service = std::string(action.substr(0, d1));
        st.object = std::string(action.substr(d1 + 1, d2 - d1 - 1));
        st.verb = std::string(action.substr(d2 + 1));
        // One service instance per service and domain, stable for the seed.
        std::string instance =
            Random::derived(world.seed, {0x1257, domainHash, stableHash(st.service)}).uuid();
        st.instanceCrn = "crn:v1:bluemix:public:" + st.service + ":us-south:a/" + world.accountId +
                         ":" + instance + "::";
        actions_.push_back(std::move(st));
        total += spec.weight;
        cumulativeWeight_.push_back(total);
    }
}

void EventWriter::append(std::string& out, int64_t eventTimeMicros) {
    Random& r = random_;
    auto pickIndex = std::upper_bound(cumulativeWeight_.begin(), cumulativeWeight_.end(),
                                      unsigned(r.below(cumulativeWeight_.back())));
    const size_t ai = size_t(pickIndex - cumulativeWeight_.begin());
    const ActionSpec& spec = kActions[ai];
    const ActionState& st = actions_[ai];
    // A few people do most of the work.
    const size_t n = world_.people.size();
    const DemoPerson& who = world_.people[std::min(r.below(n), r.below(n))];

    std::string name = spec.targetName;
    std::string number = std::to_string(1 + r.below(4));
    if (name.find('.') != std::string::npos) {
        name = "reports/2017/" + number + "-" + name;
    } else {
        name += "-" + number;
    }

    const unsigned roll = unsigned(r.below(100));
    const char* outcome = roll < 86 ? "success" : roll < 97 ? "failure" : "pending";
    const bool isDelete = st.verb == "delete" || st.verb == "remove";
    int code = 200;
    const char* reasonType = "OK";
    if (outcome[0] == 'f') {
        const Reason& reason = r.pick(kFailures);
        code = reason.code;
        reasonType = reason.type;
    } else if (st.verb == "create" || (outcome[0] == 'p' && !isDelete)) {
        code = 201;
        reasonType = "Created";
    } else if (isDelete) {
        code = 204;
        reasonType = "No Content";
    }
    const bool sensitive =
        st.service == "iam-identity" || st.service == "kms" || st.service == "iam-am";
    const char* severity = "normal";
    if (code == 500 || (isDelete && sensitive)) {
        severity = "critical";
    } else if (code >= 400 || isDelete || st.verb == "update" || st.object == "policy") {
        severity = "warning";
    }
    const bool apikey = r.percent(30);

    out += "{";
    field(out, "\"action\":", spec.action);
    out += spec.dataEvent ? ",\"dataEvent\":true" : ",\"dataEvent\":false";
    field(out, ",\"eventTime\":", at::formatEventTime(eventTimeMicros));
    field(out, ",\"id\":", r.uuid());
    field(out, ",\"initiator\":{\"credential\":{\"type\":", apikey ? "apikey" : "token");
    field(out, "},\"host\":{\"address\":", who.addresses[r.below(2)]);
    field(out, ",\"agent\":", r.pick(kAgents));
    field(out, "},\"id\":", who.iamId);
    field(out, ",\"name\":", who.email);
    out += ",\"typeURI\":\"service/security/account/user\"}";
    field(out, ",\"logSourceCRN\":", st.instanceCrn);
    out += ",\"message\":\"";
    appendEscaped(out, spec.serviceName);
    out += ": ";
    appendEscaped(out, st.verb + " " + st.object + " " + name);
    if (outcome[0] == 'f')
        out += " -failure";
    out += "\",\"observer\":{\"name\":\"ActivityTracker\"}";
    field(out, ",\"outcome\":", outcome);
    out += ",\"reason\":{\"reasonCode\":" + std::to_string(code);
    field(out, ",\"reasonType\":", reasonType);
    out += "}";
    if (r.percent(35)) {
        field(out, ",\"requestData\":{\"method\":", spec.method);
        field(out, ",\"url\":", "https://us-south." + st.service + ".cloud.ibm.com" + spec.path);
        out += "}";
    }
    if (r.percent(25)) {
        out += ",\"responseData\":{\"durationMs\":" + std::to_string(3 + r.below(900));
        field(out, ",\"requestId\":", r.uuid());
        out += "}";
    }
    out += ",\"saveServiceCopy\":true";
    field(out, ",\"severity\":", severity);
    field(out, ",\"target\":{\"id\":", st.instanceCrn);
    field(out, ",\"name\":", name);
    field(out, ",\"typeURI\":", spec.typeURI);
    out += "}}\n";
}

}  // namespace atd::demo
