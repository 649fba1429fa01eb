// What every route needs, gathered in one place so route files take a single argument.
#pragma once

#include "service/SessionRegistry.h"
#include "service/TokenStore.h"
#include "service/Users.h"
#include "store/Store.h"

namespace atd {

struct ServiceContext {
    Store& store;
    const Users& users;
    TokenStore& tokens;
    SessionRegistry& sessions;
};

// Ingest bodies larger than this are refused with 413 (API.md), compressed or inflated.
inline constexpr size_t kMaxIngestBytes = size_t(256) << 20;

}  // namespace atd
