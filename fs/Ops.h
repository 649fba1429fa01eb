// The thin FUSE layer: a fuse_lowlevel_ops table whose every entry translates one kernel
// request into a TrailFs call and replies exactly once.
#pragma once

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace atfs {

class TrailFs;

// The fuse_lowlevel_ops table; userdata passed to fuse_session_new must be the TrailFs.
const fuse_lowlevel_ops& trailFsOps();

// Tells the kernel to drop its cached length and pages of an inode, from its own thread:
// fuse_lowlevel_notify_inval_inode must not run inside a request on the same inode.
class KernelNotifier {
  public:
    void start(fuse_session* se);
    void stop();
    void invalidate(uint64_t ino);
    ~KernelNotifier() { stop(); }

  private:
    fuse_session* se_ = nullptr;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<uint64_t> queue_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace atfs
