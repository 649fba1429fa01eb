#include "read/HourBlock.h"

#include <zlib.h>

#include <algorithm>

#include "at/Error.h"
#include "read/EngineSizes.h"

namespace atfs::read {

std::vector<uint64_t> blockSplits(const HourIndex& index, bool verified) {
    std::vector<uint64_t> splits;
    if (!verified) {
        for (const AccessPoint& m : index.members())
            splits.push_back(m.out);
    } else {
        for (uint64_t off : index.pointOffsets())
            if (splits.empty() || off - splits.back() >= sizes::kBlockBytes / 2)
                splits.push_back(off);
    }
    if (splits.empty() || splits.front() != 0)
        splits.insert(splits.begin(), 0);
    return splits;
}

std::pair<uint64_t, uint64_t> intervalOf(const std::vector<uint64_t>& splits, uint64_t size,
                                         uint64_t off) {
    auto it = std::upper_bound(splits.begin(), splits.end(), off);
    const uint64_t start = *std::prev(it);
    return {start, it == splits.end() ? size : *it};
}

uint64_t longestInterval(const std::vector<uint64_t>& splits, uint64_t size) {
    uint64_t longest = 0;
    for (size_t i = 0; i < splits.size(); ++i)
        longest = std::max(longest, (i + 1 < splits.size() ? splits[i + 1] : size) - splits[i]);
    return longest;
}

bool inflateRange(const std::string& gz, const std::shared_ptr<HourIndex>& index, uint64_t start,
                  uint64_t end, std::unique_ptr<char[]>& out, std::string& why) {
    try {
        HourReader reader(gz, index, start);
        const size_t n = size_t(end - start);
        out.reset(new char[n]);
        size_t got = 0;
        while (got < n) {
            const size_t r = reader.read(out.get() + got, n - got);
            if (r == 0) {
                why = "its bytes inflate to " + std::to_string(start + got) + " bytes, not " +
                      std::to_string(index->size());
                return false;
            }
            got += r;
        }
        if (end == index->size()) {
            char probe;
            if (reader.read(&probe, 1) != 0) {
                why = "its bytes inflate past its size";
                return false;
            }
        }
        return true;
    } catch (const at::ApiError& e) {
        why = e.what();
        return false;
    }
}

uint32_t crcOf(const std::string& gz) {
    uLong crc = crc32(0, nullptr, 0);
    for (size_t at = 0; at < gz.size();) {  // crc32 takes a uInt length
        const size_t n = std::min<size_t>(gz.size() - at, 1u << 30);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(gz.data() + at), uInt(n));
        at += n;
    }
    return uint32_t(crc);
}

bool indexRange(const std::string& gz, const std::shared_ptr<HourIndex>& index, uint64_t from,
                uint64_t to, std::string& why) {
    try {
        HourReader reader(gz, index, from, Inflate::Zlib);
        std::string scratch(256 << 10, '\0');
        uint64_t pos = from;
        while (pos < to) {
            const size_t r =
                reader.read(scratch.data(), std::min<uint64_t>(scratch.size(), to - pos));
            if (r == 0)
                break;
            pos += r;
        }
        char probe;
        if (pos != to || (to == index->size() && reader.read(&probe, 1) != 0)) {
            why = "its bytes do not inflate to its size (" + std::to_string(index->size()) + ")";
            return false;
        }
        return true;
    } catch (const at::ApiError& e) {
        why = e.what();
        return false;
    }
}

bool indexHour(const std::string& gz, const std::shared_ptr<HourIndex>& index, std::string& why) {
    return indexRange(gz, index, 0, index->size(), why);
}

}  // namespace atfs::read
