// libatclient's decoding of service replies (tokens, sessions, status, spaces, errors).
// Contract: a reply becomes our types or an at::ApiError, whatever the server sends; never
// another exception, never undefined behaviour (UBSan watches the number conversions).
// The first input byte picks the call and the reply status, the rest is the body.
#include <vector>

#include "ApiJson.h"
#include "FuzzCheck.h"

namespace {

const long kStatuses[] = {200, 201, 400, 401, 403, 404, 413, 429, 500, 503, 302, 204};

void decode(unsigned which, const at::HttpReply& reply) {
    switch (which % 6) {
        case 0:
            (void)at::decodeReply("POST /UAALoginServerWAR/oauth/token", reply, at::tokenFromJson);
            break;
        case 1:
            (void)at::decodeReply("GET /v3/sessions/x", reply, at::sessionFromJson);
            break;
        case 2:
            (void)at::decodeReply("GET /v3/sessions", reply, [](const nlohmann::json& j) {
                std::vector<at::Session> sessions;
                for (const auto& s : j)
                    sessions.push_back(at::sessionFromJson(s));
                return sessions;
            });
            break;
        case 3:
            (void)at::decodeReply("GET /v3/events", reply, at::statusFromJson);
            break;
        case 4:
            (void)at::decodeReply("GET /v3/spaces", reply, at::spacesFromJson);
            break;
        case 5: {
            const at::ApiError e = at::errorFromReply("GET /v3/events", reply);
            (void)e.what();
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    at::HttpReply reply;
    reply.status = kStatuses[(data[0] >> 3) % std::size(kStatuses)];
    if (data[0] & 0x80)
        reply.retryAfterSeconds = data[0] & 0x7f;
    reply.body = std::string(fuzz::text(data + 1, size - 1));
    try {
        decode(data[0] & 7, reply);
    } catch (const at::ApiError&) {
    }
    return 0;
}
