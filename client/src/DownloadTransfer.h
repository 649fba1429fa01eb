// The network half of a download: its own thread runs GET /v3/events/download into a
// ByteRing, resuming with `Range: bytes=N-` on the same session when the connection drops
// or stalls, and checking every resumed reply (206, Content-Range) so the bytes stay exact.
// A bounded transfer (an end) asks `Range: bytes=N-M` from the first attempt on and ends at
// M: every reply must be a 206 for exactly N-M, N being where the last attempt stopped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ByteRing.h"
#include "Http.h"
#include "TokenSource.h"
#include "at/Types.h"

namespace at {

class DownloadTransfer {
  public:
    // end: the byte after the last one wanted (exclusive); nullopt: the end of the download.
    DownloadTransfer(Http& http, TokenSource& tokens, Domain domain, std::string sessionId,
                     uint64_t offset, std::optional<uint64_t> end, ByteRing& ring);
    ~DownloadTransfer();  // cancels the ring and joins the thread
    DownloadTransfer(const DownloadTransfer&) = delete;
    DownloadTransfer& operator=(const DownloadTransfer&) = delete;

    // Blocks until the first reply's headers: returns the full download's size, or throws
    // the ApiError that ended the transfer before any body byte (404, 403, ...).
    uint64_t waitForTotal();

    uint64_t received() const { return received_.load(std::memory_order_relaxed); }
    // From any thread: stop now (the guard aborts the transfer at its next progress call,
    // at least once a second) and wake the reader.
    void cancel();
    const std::string& callName() const { return call_; }

  private:
    struct Attempt;

    void run();
    CURLcode perform(CURL* curl, Attempt& a, const std::string& token);  // one GET
    bool acceptHeaders(Attempt& a);                         // on the first body byte of a reply
    bool acceptRange(Attempt& a, uint64_t& total);          // a bounded transfer's reply
    uint64_t end() const { return end_ ? *end_ : total_; }  // where this transfer stops
    std::string rangeHeader(uint64_t from) const;
    void fail(std::exception_ptr error);
    void started(uint64_t total);

    static size_t onHeader(char* data, size_t size, size_t count, void* self);
    static size_t onBody(char* data, size_t size, size_t count, void* self);

    Http& http_;
    TokenSource& tokens_;
    Domain domain_;
    std::string sessionId_;
    std::string call_;
    ByteRing& ring_;
    std::atomic<uint64_t> received_;  // absolute offset of the next byte to receive
    std::optional<uint64_t> end_;     // a bounded transfer's end (exclusive)
    uint64_t total_ = 0;
    bool totalKnown_ = false;

    std::mutex startMutex_;
    std::condition_variable startCv_;
    bool startDone_ = false;
    std::exception_ptr startError_;

    std::atomic<bool> cancelled_{false};
    Attempt* current_ = nullptr;  // the attempt the curl callbacks report into
    std::thread thread_;
};

}  // namespace at
