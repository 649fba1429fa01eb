// ReadEngine's implementation (see ReadEngine.h): the read path in Engine.cpp, the
// sequential look-ahead, the fetch-ahead thread and what is dropped when in EngineAhead.cpp.
//
// Locks: mu_ guards hours_ and blocks_ and is never held over a download, an inflate or a
// cache write; HourSource's lease lock is taken without it. A thread that needs an hour
// another thread is loading (or a block it is inflating) waits on cv_, polling for an
// interrupt; a read that needs another hour goes its own way.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "read/HourBlock.h"
#include "read/HourSource.h"
#include "read/ReadEngine.h"

namespace atfs::read {

class Engine : public ReadEngine {
  public:
    Engine(EngineContext& ctx, at::Domain domain, std::string file, std::vector<Segment> plan,
           OffsetMap map);
    ~Engine() override;

    ssize_t read(uint64_t offset, char* buf, size_t n,
                 const FileStream::Cancelled& cancelled) override;
    void abandon() override;
    void close() override;
    int sessionsCreated() const override;
    bool allCached() const override;

  private:
    // One read's view of interruption: the kernel's flag, or an abandon() since it began.
    struct Call {
        const FileStream::Cancelled* cancelled;
        uint64_t epoch;
    };
    bool interrupted(const Call& c) const;
    // Waits on cv_ for a bounded poll; false when the call was interrupted.
    bool waitPoll(std::unique_lock<std::mutex>& lk, const Call& c);

    // 0, kMismatch (`why`), or -errno; `copied` bytes into dst.
    int readPiece(size_t i, uint64_t inHour, char* dst, size_t want, bool seq, const Call& c,
                  std::string& why, size_t& copied);
    int ensureHour(size_t i, const Call& c, std::string& why);
    int loadHour(size_t i, const Call& c, std::string& why, HourState& loaded);
    int blockFor(size_t i, uint64_t off, size_t want, bool seq, const Call& c, std::string& why,
                 std::shared_ptr<Block>& out);
    // Inflates `b` on this thread (mu_ held by `lk` on entry and exit, not during).
    int makeBlock(const std::shared_ptr<Block>& b, std::shared_ptr<const std::string> gz,
                  std::shared_ptr<HourIndex> index, std::unique_lock<std::mutex>& lk,
                  std::string& why);
    // Makes room for a block at (i, start): false while one there is still being made.
    bool freeKey(size_t i, uint64_t start);  // under mu_
    int indexInPool(size_t i, std::unique_lock<std::mutex>& lk, const Call& c, std::string& why);
    void startIndex(size_t i);  // under mu_
    std::shared_ptr<Block> findBlock(size_t i, uint64_t off);
    void finishBlock(const std::shared_ptr<Block>& b, uint64_t gen, bool ok,
                     const std::string& why);  // under mu_
    void markVerified(HourState& h);           // under mu_
    ssize_t fallbackRead(uint64_t offset, char* buf, size_t n,
                         const FileStream::Cancelled& cancelled);
    void startFallback(size_t piece, const std::string& why);

    // EngineAhead.cpp
    bool noteRead(uint64_t offset, size_t n);  // true: sequential
    void lookAhead(uint64_t from);
    void submitBlock(const std::shared_ptr<Block>& b, std::shared_ptr<const std::string> gz,
                     std::shared_ptr<HourIndex> index, uint64_t gen);  // under mu_
    void prefetchLoop();
    void trim();                   // under mu_
    void evictHours(size_t keep);  // under mu_
    void dropHour(size_t i);       // under mu_: its gzip goes, its memo stays
    // A sequential reader's passed hours: their gzip is not needed again (under mu_).
    void dropPassedHours();
    void dropBlock(std::map<std::pair<size_t, uint64_t>, std::shared_ptr<Block>>::iterator it);
    void storeHours(bool all = false);  // cache writes, not under mu_
    void requestPrefetch(size_t i);     // under mu_
    struct CacheJob {
        HourKey key;
        std::shared_ptr<const std::string> gz;  // null: an index update
        std::string index;
    };
    void queueIndexUpdate(size_t i);  // under mu_
    void queueMemoUpdate(size_t i);   // under mu_: a dropped hour's

    EngineContext& ctx_;
    const at::Domain domain_;
    const std::string file_;
    const std::vector<Segment> plan_;
    const OffsetMap map_;
    HourSource source_;

    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<HourState> hours_;
    std::vector<HourMemo> memos_;  // per piece, once dropped
    std::map<std::pair<size_t, uint64_t>, std::shared_ptr<Block>> blocks_;  // by (piece, start)
    uint64_t tick_ = 0;
    uint64_t nextSeq_ = 0;  // where the last read ended
    uint64_t seqPos_ = 0;   // where the sequential reader is
    bool anyRead_ = false;
    std::vector<CacheJob> cacheJobs_;  // for storeHours(), out of mu_
    int tasks_ = 0;                    // in the pool
    uint64_t held_ = 0;                // budget its blocks hold
    bool closing_ = false;
    bool closed_ = false;

    size_t prefetchWant_ = SIZE_MAX;  // a piece for the fetch-ahead thread
    bool prefetchBusy_ = false;
    std::condition_variable prefetchCv_;
    std::thread prefetcher_;

    std::atomic<uint64_t> epoch_{0};
    std::atomic<bool> fallback_{false};
    mutable std::mutex fbMu_;
    std::unique_ptr<FileStream> fb_;
};

}  // namespace atfs::read
