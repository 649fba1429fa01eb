// Chooses the inflater implementation at runtime.
#include "Inflater.h"

#include <cstdlib>
#include <string_view>

namespace at {

std::unique_ptr<Inflater> makeInflater(InflaterKind kind) {
    if (kind == InflaterKind::Isal) {
        if (auto isal = makeIsalInflater())
            return isal;
    }
    return makeZlibInflater();
}

std::unique_ptr<Inflater> makeInflater() {
    const char* forced = std::getenv("ATFS_INFLATER");
    if (forced && std::string_view(forced) == "zlib")
        return makeZlibInflater();
    return makeInflater(InflaterKind::Isal);
}

}  // namespace at
