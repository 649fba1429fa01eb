#include "Ops.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "KernelLimits.h"
#include "TrailFs.h"

namespace atfs {

namespace {

TrailFs& fsOf(fuse_req_t req) {
    return *static_cast<TrailFs*>(fuse_req_userdata(req));
}

struct stat toStat(const Attr& a) {
    struct stat st {};
    st.st_ino = a.ino;
    st.st_mode = a.mode;
    st.st_nlink = a.nlink;
    st.st_size = off_t(a.size);
    st.st_uid = getuid();
    st.st_gid = getgid();
    // 128 KiB, the readahead window: readers that buffer st_blksize (Python, stdio) then
    // pull no more than they need into the page cache (1 MiB made no measurable difference).
    st.st_blksize = 128 * 1024;
    st.st_blocks = off_t((a.size + 511) / 512);
    st.st_mtim.tv_sec = st.st_ctim.tv_sec = st.st_atim.tv_sec = a.mtime;
    return st;
}

void opInit(void*, fuse_conn_info* conn) {
    // Readers of big files benefit from large requests and parallel readahead.
    conn->want |= FUSE_CAP_ASYNC_READ;
    if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
        conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
    conn->want &= ~unsigned(FUSE_CAP_WRITEBACK_CACHE);
    // Lets the kernel send reads of up to 1 MiB (max_pages follows max_write): fewer,
    // larger round trips for direct-I/O readers such as `dd bs=1M`.
    conn->max_write = 1 << 20;
    // Readers queued for a session slot hold background requests: see KernelLimits.h.
    conn->max_background = kMaxBackground;
    conn->congestion_threshold = kCongestionThreshold;
    // max_readahead stays as the kernel offers it: the kernel only lets us lower it.
    // FUSE_CAP_SPLICE_WRITE is left off: our replies are heap buffers, and libfuse would
    // vmsplice them into a pipe first, which is a copy all the same.
}

void opDestroy(void* userdata) {
    static_cast<TrailFs*>(userdata)->shutdown();
}

void opLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    TrailFs& fs = fsOf(req);
    Attr a;
    fuse_entry_param e{};
    if (int err = fs.lookup(parent, name, a)) {
        if (err != ENOENT) {
            fuse_reply_err(req, err);
            return;
        }
        // A negative entry: the kernel remembers the miss briefly (the negative cache).
        e.ino = 0;
        e.entry_timeout = fs.negativeTtl();
        fuse_reply_entry(req, &e);
        return;
    }
    e.ino = a.ino;
    e.attr = toStat(a);
    e.attr_timeout = a.ttl;
    e.entry_timeout = a.ttl;
    fuse_reply_entry(req, &e);
}

void opForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    fsOf(req).forget(ino, nlookup);
    fuse_reply_none(req);
}

void opForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
    TrailFs& fs = fsOf(req);
    for (size_t i = 0; i < count; ++i)
        fs.forget(forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    Attr a;
    if (int err = fsOf(req).getattr(ino, a)) {
        fuse_reply_err(req, err);
        return;
    }
    struct stat st = toStat(a);
    fuse_reply_attr(req, &st, a.ttl);
}

void opReadlink(fuse_req_t req, fuse_ino_t ino) {
    std::string target;
    if (int err = fsOf(req).readlink(ino, target)) {
        fuse_reply_err(req, err);
        return;
    }
    fuse_reply_readlink(req, target.c_str());
}

void opOpendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    Attr a;
    if (int err = fsOf(req).getattr(ino, a)) {
        fuse_reply_err(req, err);
        return;
    }
    if (!S_ISDIR(a.mode)) {
        fuse_reply_err(req, ENOTDIR);
        return;
    }
    fi->fh = 0;
    if (a.cacheListing) {
        fi->cache_readdir = 1;
        fi->keep_cache = 1;
    }
    fuse_reply_open(req, fi);
}

// Offsets are entry indices + 1: the listing is recomputed from the metadata cache each
// call. The "plus" form also returns each entry's attributes, saving `ls -l` a lookup per
// file; "." and ".." carry no attributes (ino 0) so they take no lookup count.
void replyDir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, bool plus) {
    TrailFs& fs = fsOf(req);
    std::vector<DirEntry> entries;
    if (int err = fs.readdir(ino, entries)) {
        fuse_reply_err(req, err);
        return;
    }
    entries.insert(entries.begin(), {DirEntry{".", ino, S_IFDIR}, DirEntry{"..", 1, S_IFDIR}});
    std::vector<char> buf(size);
    size_t used = 0;
    for (size_t i = size_t(off); i < entries.size(); ++i) {
        const DirEntry& d = entries[i];
        size_t need = 0;
        fuse_ino_t counted = 0;  // readdirplus: the entry's lookup count, once it is sent
        if (!plus) {
            struct stat st {};
            st.st_ino = d.ino;
            st.st_mode = d.mode;
            need = fuse_add_direntry(req, buf.data() + used, size - used, d.name.c_str(), &st,
                                     off_t(i + 1));
        } else {
            fuse_entry_param e{};
            Attr a;
            if (i >= 2 && fs.getattr(d.ino, a) == 0) {
                e.ino = a.ino;
                e.attr = toStat(a);
                e.attr_timeout = e.entry_timeout = a.ttl;
                counted = e.ino;
            } else {
                e.attr.st_ino = d.ino;
                e.attr.st_mode = d.mode;
            }
            need = fuse_add_direntry_plus(req, buf.data() + used, size - used, d.name.c_str(), &e,
                                          off_t(i + 1));
        }
        if (need > size - used)
            break;
        if (counted)
            fs.retain(counted);  // the kernel counts a lookup for every entry it is sent
        used += need;
    }
    fuse_reply_buf(req, buf.data(), used);
}

void opReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
    replyDir(req, ino, size, off, false);
}

void opReaddirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
    replyDir(req, ino, size, off, true);
}

void opReleasedir(fuse_req_t req, fuse_ino_t, fuse_file_info*) {
    fuse_reply_err(req, 0);
}

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    OpenResult r;
    if (int err = fsOf(req).open(ino, fi->flags, r)) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = r.fh;
    fsOf(req).readWatch().opened(r.fh, fuse_req_ctx(req)->pid);
    fi->direct_io = r.directIo;
    fi->keep_cache = r.keepCache;
    fi->nonseekable = 0;
    if (fuse_reply_open(req, fi) == -ENOENT) {
        fsOf(req).readWatch().released(r.fh);
        fsOf(req).release(r.fh);  // interrupted open
    }
}

void opRead(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    // One buffer per worker thread, reused: the stream inflates straight into it. Not a
    // vector: resize() would zero (and fault in) 1 MiB each time libfuse starts a worker,
    // which showed up as 5-7 % of a `cat` profile.
    thread_local std::unique_ptr<char[]> buf;
    thread_local size_t capacity = 0;
    if (capacity < size) {
        buf.reset(new char[size]);
        capacity = size;
    }
    // Readahead of a reader killed since it was sent gets no interrupt (ReadWatch.h).
    TrailFs& fs = fsOf(req);
    const ReadWatch::ProcessRef reader = fs.readWatch().reading(fi->fh, fuse_req_ctx(req)->pid);
    if (ReadWatch::gone(reader)) {
        fuse_reply_err(req, EINTR);
        return;
    }
    // An interrupted read (the reader got a signal) ends its download at once; libfuse may
    // call this on another thread, even as we reply, so it carries only the handle.
    fuse_req_interrupt_func(
        req,
        [](fuse_req_t interrupted, void* fh) {
            fsOf(interrupted).abandon(uint64_t(reinterpret_cast<uintptr_t>(fh)));
        },
        reinterpret_cast<void*>(uintptr_t(fi->fh)));
    // A reader queued for a session slot that gets a signal, or is gone, stops waiting.
    const ssize_t r = fs.read(fi->fh, uint64_t(off), size, buf.get(), [req, reader] {
        return fuse_req_interrupted(req) != 0 || ReadWatch::gone(reader);
    });
    if (r < 0) {
        fuse_reply_err(req, int(-r));
        return;
    }
    fuse_reply_buf(req, buf.get(), size_t(r));
}

void opRelease(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    fsOf(req).readWatch().released(fi->fh);
    fsOf(req).release(fi->fh);
    fuse_reply_err(req, 0);
}

void opStatfs(fuse_req_t req, fuse_ino_t) {
    struct statvfs sv {};
    sv.f_bsize = sv.f_frsize = 4096;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

// Everything that would change the tree: the audit trail is read-only.
void opReadOnly(fuse_req_t req) {
    fuse_reply_err(req, EROFS);
}
void opSetattr(fuse_req_t req, fuse_ino_t, struct stat*, int, fuse_file_info*) {
    opReadOnly(req);
}
void opMknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) {
    opReadOnly(req);
}
void opMkdir(fuse_req_t req, fuse_ino_t, const char*, mode_t) {
    opReadOnly(req);
}
void opUnlink(fuse_req_t req, fuse_ino_t, const char*) {
    opReadOnly(req);
}
void opSymlink(fuse_req_t req, const char*, fuse_ino_t, const char*) {
    opReadOnly(req);
}
void opRename(fuse_req_t req, fuse_ino_t, const char*, fuse_ino_t, const char*, unsigned) {
    opReadOnly(req);
}
void opLink(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) {
    opReadOnly(req);
}
void opWrite(fuse_req_t req, fuse_ino_t, const char*, size_t, off_t, fuse_file_info*) {
    opReadOnly(req);
}
void opCreate(fuse_req_t req, fuse_ino_t, const char*, mode_t, fuse_file_info*) {
    opReadOnly(req);
}
void opSetxattr(fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) {
    opReadOnly(req);
}
void opRemovexattr(fuse_req_t req, fuse_ino_t, const char*) {
    opReadOnly(req);
}

fuse_lowlevel_ops makeOps() {
    fuse_lowlevel_ops ops{};
    ops.init = opInit;
    ops.destroy = opDestroy;
    ops.lookup = opLookup;
    ops.forget = opForget;
    ops.forget_multi = opForgetMulti;
    ops.getattr = opGetattr;
    ops.readlink = opReadlink;
    ops.opendir = opOpendir;
    ops.readdir = opReaddir;
    ops.readdirplus = opReaddirplus;
    ops.releasedir = opReleasedir;
    ops.open = opOpen;
    ops.read = opRead;
    ops.release = opRelease;
    ops.statfs = opStatfs;
    ops.setattr = opSetattr;
    ops.mknod = opMknod;
    ops.mkdir = opMkdir;
    ops.unlink = opUnlink;
    ops.rmdir = opUnlink;
    ops.symlink = opSymlink;
    ops.rename = opRename;
    ops.link = opLink;
    ops.write = opWrite;
    ops.create = opCreate;
    ops.setxattr = opSetxattr;
    ops.removexattr = opRemovexattr;
    return ops;
}

}  // namespace

const fuse_lowlevel_ops& trailFsOps() {
    static const fuse_lowlevel_ops ops = makeOps();
    return ops;
}

void KernelNotifier::start(fuse_session* se) {
    se_ = se;
    worker_ = std::thread([this] {
        std::unique_lock lk(mu_);
        for (;;) {
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_)
                return;
            const uint64_t ino = queue_.front();
            queue_.pop_front();
            lk.unlock();
            // Offset 0, length 0: drop the attributes (st_size) and all cached pages.
            fuse_lowlevel_notify_inval_inode(se_, ino, 0, 0);
            lk.lock();
        }
    });
}

void KernelNotifier::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

void KernelNotifier::invalidate(uint64_t ino) {
    std::lock_guard lk(mu_);
    if (stopping_ || !se_)
        return;
    queue_.push_back(ino);
    cv_.notify_one();
}

}  // namespace atfs
