#include "at/SecretMemory.h"

#include <string.h>
#include <sys/prctl.h>

namespace at {

bool keepOutOfCoreDumps() {
    return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

void wipe(std::string& secret) {
    secret.resize(secret.capacity());  // within capacity: no reallocation, no copy left behind
    ::explicit_bzero(secret.data(), secret.size());
    secret.clear();
}

}  // namespace at
