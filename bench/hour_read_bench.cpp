// fs/read's speed on one hour (or any multi-member .gz), warm (all bytes in memory):
//   sequential MB/s of HourReader (128 KiB reads, as FUSE asks) against plain isal_inflate and
//   zlib inflate of the same bytes, in turns, best of 3;
//   a 4 KiB read at a random offset from a cold index (member starts only) against one from
//   an index with the points the cold reads recorded.
// Usage: hour_read_bench [FILE.gz]   (default: 96 MB of generated events in 8 members)
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifdef ATFS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "at/Gzip.h"
#include "read/HourIndex.h"

using atfs::read::HourIndex;
using atfs::read::HourReader;
using atfs::read::Inflate;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kReadSize = 128 << 10;

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string generated() {
    std::mt19937 rng(1);
    std::string gz;
    for (int m = 0; m < 8; ++m) {
        std::string plain;
        while (plain.size() < (12u << 20)) {
            plain += R"({"eventTime":"2026-12-01T10:)" + std::to_string(rng() % 60) +
                     R"(Z","action":"read","initiator":{"id":"user-)" +
                     std::to_string(rng() % 5000) + R"("},"target":{"id":")" +
                     std::to_string(rng()) + "\"}}\n";
        }
        gz += at::gzipMember(plain, 1);
    }
    return gz;
}

#ifdef ATFS_HAVE_ISAL
uint64_t isalAll(const std::string& gz, std::vector<char>& buf) {
    inflate_state s;
    uint64_t total = 0;
    size_t at = 0;
    while (at < gz.size()) {
        isal_inflate_init(&s);
        s.crc_flag = ISAL_GZIP;
        s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(gz.data() + at));
        s.avail_in = uint32_t(gz.size() - at);
        while (s.block_state != ISAL_BLOCK_FINISH) {
            s.next_out = reinterpret_cast<uint8_t*>(buf.data());
            s.avail_out = uint32_t(buf.size());
            if (isal_inflate(&s) != ISAL_DECOMP_OK)
                return 0;
            total += buf.size() - s.avail_out;
        }
        at = size_t(reinterpret_cast<const char*>(s.next_in) - gz.data());
    }
    return total;
}
#endif

uint64_t zlibAll(const std::string& gz, std::vector<char>& buf) {
    z_stream z{};
    inflateInit2(&z, 15 + 16);
    uint64_t total = 0;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = uInt(gz.size());
    while (true) {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = uInt(buf.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        total += buf.size() - z.avail_out;
        if (rc == Z_STREAM_END && z.avail_in == 0)
            break;
        if (rc == Z_STREAM_END)
            inflateReset(&z);
        else if (rc != Z_OK)
            break;
    }
    inflateEnd(&z);
    return total;
}

uint64_t readerAll(const std::string& gz, uint64_t size, Inflate inflate, std::vector<char>& buf) {
    HourReader r(gz, HourIndex::scan(gz, size), 0, inflate);
    uint64_t total = 0;
    while (size_t n = r.read(buf.data(), buf.size()))
        total += n;
    return total;
}

struct Times {
    std::vector<double> ms;
    void print(const char* what) {
        std::sort(ms.begin(), ms.end());
        double sum = 0;
        for (double t : ms)
            sum += t;
        std::printf("%-44s mean %7.2f ms  median %7.2f ms  p99 %7.2f ms  (%zu reads)\n", what,
                    sum / double(ms.size()), ms[ms.size() / 2], ms[ms.size() * 99 / 100],
                    ms.size());
    }
};

Times randomReads(const std::string& gz, uint64_t size, std::shared_ptr<HourIndex> shared,
                  Inflate inflate, uint32_t seed, int count) {
    std::mt19937_64 rng(seed);
    Times t;
    char buf[4096];
    for (int i = 0; i < count; ++i) {
        const uint64_t from = rng() % (size - sizeof buf);
        auto index = shared ? shared : HourIndex::scan(gz, size);  // cold: scanned, not timed
        const auto start = Clock::now();
        HourReader r(gz, index, from, inflate);
        size_t got = 0;
        while (got < sizeof buf)
            got += r.read(buf + got, sizeof buf - got);
        t.ms.push_back(seconds(start) * 1000);
    }
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    std::string gz;
    if (argc > 1) {
        std::ifstream f(argv[1], std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        gz = ss.str();
    } else {
        gz = generated();
    }
    std::vector<char> buf(kReadSize);
    const uint64_t size = zlibAll(gz, buf);
    const auto scanStart = Clock::now();
    const auto index = HourIndex::scan(gz, size);
    std::printf("%s: %.1f MB gzip, %.1f MB inflated, %zu members (verified: %s), scan %.2f ms\n",
                argc > 1 ? argv[1] : "generated", double(gz.size()) / 1e6, double(size) / 1e6,
                index->members().size(), index->membersVerified() ? "yes" : "no",
                seconds(scanStart) * 1000);

    // Sequential, in turns, best of 3 (warm: the bytes are in memory).
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int round = 0; round < 3; ++round) {
        auto t = Clock::now();
#ifdef ATFS_HAVE_ISAL
        if (isalAll(gz, buf) != size)
            return std::printf("isal_inflate disagrees\n"), 1;
        best[0] = std::min(best[0], seconds(t));
#endif
        t = Clock::now();
        if (readerAll(gz, size, Inflate::Auto, buf) != size)
            return std::printf("HourReader disagrees\n"), 1;
        best[1] = std::min(best[1], seconds(t));
        t = Clock::now();
        zlibAll(gz, buf);
        best[2] = std::min(best[2], seconds(t));
        t = Clock::now();
        if (readerAll(gz, size, Inflate::Zlib, buf) != size)
            return std::printf("HourReader (zlib) disagrees\n"), 1;
        best[3] = std::min(best[3], seconds(t));
    }
    const double mb = double(size) / 1e6;
    std::printf("sequential, 128 KiB reads, best of 3 in turns:\n");
    std::printf("  isal_inflate (plain)        %7.0f MB/s\n", mb / best[0]);
    std::printf("  HourReader (ISA-L)          %7.0f MB/s  = %.2fx plain ISA-L\n", mb / best[1],
                best[0] / best[1]);
    std::printf("  zlib inflate (plain)        %7.0f MB/s\n", mb / best[2]);
    std::printf("  HourReader (zlib, points)   %7.0f MB/s  = %.2fx plain zlib, %.2fx plain ISA-L\n",
                mb / best[3], best[2] / best[3], best[0] / best[3]);

    std::printf("random 4 KiB reads:\n");
    randomReads(gz, size, nullptr, Inflate::Auto, 7, 100)
        .print("  cold index (member starts), ISA-L");
    randomReads(gz, size, nullptr, Inflate::Zlib, 7, 100).print("  cold index, zlib only");
    const auto learned = HourIndex::scan(gz, size);
    randomReads(gz, size, learned, Inflate::Auto, 8, 300).print("  one index, learning as it goes");
    std::printf("  points recorded: %zu (blob %zu bytes)\n", learned->pointCount(),
                learned->serialize().size());
    randomReads(gz, size, learned, Inflate::Auto, 9, 300).print("  from recorded points, ISA-L");
    randomReads(gz, size, learned, Inflate::Zlib, 9, 300).print("  from recorded points, zlib");
    return 0;
}
