// Writes the demo's CADF events straight into compact JSON lines, keys in the order
// nlohmann::json::dump() writes them, so the bulk path stores exactly what ingest would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/DemoRandom.h"

namespace atd::demo {

struct DemoPerson {
    std::string email;
    std::string iamId;  // "IBMid-…"
    std::string addresses[2];
};

// Everything fixed by the seed: the account and its people.
struct DemoWorld {
    uint64_t seed = 1;
    std::string accountId;  // 32 hex digits
    std::vector<DemoPerson> people;

    explicit DemoWorld(uint64_t seed);
};

// Events of one domain; each instance owns its random stream.
class EventWriter {
  public:
    EventWriter(const DemoWorld& world, const std::string& domain, Random random);
    // Appends one event line ('\n' included) at that time (milliseconds are kept).
    void append(std::string& out, int64_t eventTimeMicros);

  private:
    struct ActionState {
        std::string service;  // first part of the action: the CRN service name
        std::string object;
        std::string verb;
        std::string instanceCrn;  // crn:v1:bluemix:public:SERVICE:us-south:a/ACCOUNT:INSTANCE::
    };
    const DemoWorld& world_;
    Random random_;
    std::vector<ActionState> actions_;
    std::vector<unsigned> cumulativeWeight_;
};

}  // namespace atd::demo
