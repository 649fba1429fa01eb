// One open data file's read path: the sessions of its plan, created lazily at the first
// read and each deleted as soon as it is consumed; the download stream; the read window.
//
// Sequential reads go straight from the DownloadStream into the caller's buffer. A small
// backward seek is served from the window, which holds the last bytes read, or, when the
// kernel keeps what reads return in its page cache, only the bytes skipped over (copying
// every byte into the window cost ~5 % of `cat`'s throughput to serve ~1 % of requests); a forward
// seek within kSkipAhead skips by reading; anything else restarts: sessions whose pinned size is
// known are skipped without a download, raw (.gz) mode resumes with a Range at the offset, inflated
// mode re-downloads the segment and skips to the offset.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "Backend.h"
#include "MemoryBudget.h"
#include "ReadWindow.h"
#include "SessionPlan.h"
#include "Stats.h"
#include "session/SessionLease.h"

namespace atfs {

// The mount-wide services every stream uses, and the knobs of the read path.
struct StreamContext {
    Backend& backend;
    LeaseContext& leases;  // gate, create, reaper: a session's whole life
    MemoryBudget& budget;
    Stats& stats;
    std::chrono::milliseconds budgetTimeout{10000};
    // Reads within this long of a failed one fail alike without a new session: the kernel's
    // requests in flight with it, and its retry of the page the reader waits on.
    std::chrono::milliseconds failureEcho{1000};
    size_t windowBytes = 4 << 20;   // backward seeks within this are served from memory
    uint64_t skipAhead = 16 << 20;  // forward seeks within this read through
};

class FileStream {
  public:
    // kernelCaches: the file is not direct I/O, so the kernel's page cache holds every byte
    // read() returned and only asks again for bytes it never got.
    FileStream(StreamContext& ctx, at::Domain domain, std::string file, std::vector<Segment> plan,
               Format format, bool kernelCaches = false);
    ~FileStream();
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    // Bytes read (0 at the end) or -errno. Serialized per stream.
    // `cancelled` says the kernel interrupted the request (the reader got a signal).
    using Cancelled = std::function<bool()>;
    ssize_t read(uint64_t offset, char* buf, size_t n, const Cancelled& cancelled = {});
    // Deletes the live session, if any, and gives back the window's memory. A read in
    // progress or queued for a slot ends first (-EINTR); later reads get -EBADF.
    void close();
    // Deletes the live session and gives back the window's memory, but may be read again
    // (a consumed part of a live file: a backward seek reopens it).
    void idle();
    // From any thread, without the stream's lock: the reader is gone (its read was
    // interrupted, or the file is being released). The download stops within a second,
    // whatever the connection does, and the read in progress returns -EINTR.
    void abandon();

    // The file's length, once a session's pinned size or the end of the stream showed
    // that the planned size was wrong (today grows); taken once.
    std::optional<uint64_t> takeSizeChange();
    int sessionsCreated() const { return sessionsCreated_; }

  private:
    ssize_t readUnderLock(uint64_t offset, char* buf, size_t n, const Cancelled& cancelled);
    ssize_t readLocked(uint64_t offset, char* buf, size_t n);
    ssize_t pull(char* dst, size_t n);  // from the stream at pos_, across segments
    int skipTo(uint64_t offset);
    void remember(const char* data, size_t n, uint64_t at);  // into the window
    int restartAt(uint64_t offset);
    int restartFrom(uint64_t offset);
    // Waits for a session slot with mu_ released (lk is relocked on return): 0 when the
    // read may try again, -EINTR or -EIO.
    int awaitSlot(std::unique_lock<std::mutex>& lk, const Cancelled& cancelled);
    int openSession(size_t seg);
    int openDownload(uint64_t rawOffset);
    void closeSession(bool keepSlot = false);
    void handOver(std::vector<ReleasedSession>& released);  // to the reaper; not under mu_
    void dropStream();
    bool wasAbandoned();
    int fail(const std::string& what, const at::ApiError& e);
    uint64_t sizeOf(size_t seg) const;
    void noteSize();
    bool interrupted() const { return closed_ || (cancelled_ && cancelled_()); }

    StreamContext& ctx_;
    const at::Domain domain_;
    const std::string domainKey_;
    const std::string file_;
    const std::vector<Segment> plan_;
    const Format format_;
    const bool kernelCaches_;
    std::vector<std::optional<uint64_t>> pinned_;  // per segment, from its session
    uint64_t reportedSize_;                        // the length the kernel was last told

    std::mutex mu_;
    std::atomic<bool> closed_{false};  // close() began: reads end, none starts a session
    bool slotWaiter_ = false;          // a read of this file is in the gate's line
    std::condition_variable slotCv_;   // the other reads wait for that one's outcome
    size_t seg_ = 0;                   // current segment
    uint64_t segStart_ = 0;            // file offset where it starts
    uint64_t pos_ = 0;                 // file offset of the next byte from the stream
    bool broken_ = false;              // after an error: the next read restarts
    int lastError_ = 0;  // that error's errno, and when: see StreamContext::failureEcho
    std::chrono::steady_clock::time_point failedAt_;
    SessionLease lease_;  // the current segment's session
    GateSlot slot_;       // kept between one lease and the next
    std::vector<ReleasedSession> released_;
    std::string deleting_;  // the last session released while reading on  // for the reaper, once
                            // mu_ is released
    std::unique_ptr<at::DownloadStream> stream_;
    // stream_ as abandon() sees it: set and cleared under cancelMu_ (taken after mu_).
    std::mutex cancelMu_;
    at::DownloadStream* cancellable_ = nullptr;
    at::DownloadStream* cancelledStream_ = nullptr;  // what abandon() cancelled
    uint64_t lastGzip_ = 0;
    ReadWindow window_;
    uint64_t windowEnd_ = 0;      // file offset just past the window's last byte
    uint64_t rememberUntil_ = 0;  // page-cached files: reads before this go to the window too
    bool windowTried_ = false;
    size_t windowHeld_ = 0;  // bytes drawn from the budget
    std::optional<uint64_t> sizeChange_;
    int sessionsCreated_ = 0;
    Cancelled cancelled_;
};

}  // namespace atfs
