"""The read engine's disk cache (issue 11) through a real mount: its options; a past day
read again after a remount creates no session; a flipped byte or a truncated entry is
detected, fetched again and rewritten; late events for a cached hour are served once the
status TTL passes; the size bound holds under churn and at start; the folder's and files'
modes, a symlinked folder refused; -o cache=off writes nothing. Every read pattern from the
cache is test_cache_patterns."""

import json
import os
import subprocess
import threading
import time
import unittest

from atd_client import inflate
from cache_case import CHURN_DAY, MIB, CacheCase, eventually, past
from cache_files import entry_names, flip_byte, folder_bytes, read_entry
from processes import find_bin

TTL = 1  # -o cache_ttl for the late-events test: sizes of past days refreshed after 1 s


def event_at(tag, day, hour, minute):
    """One CADF event at day/hour/minute (a late arrival when that hour is long past)."""
    event = {
        "id": "late-%s" % tag,
        "eventTime": "%sT%02d:%02d:30.500+0000" % (day, hour, minute),
        "action": "test.late.%s" % tag,
        "outcome": "success",
        "severity": "normal",
        "initiator": {"id": "IBMid-late", "name": "late@example.com", "typeURI": "service/security/account/user"},
        "target": {"id": "crn:v1:late:%s" % tag, "name": tag, "typeURI": "test/object"},
        "message": "late event %s" % tag,
    }
    return (json.dumps(event, separators=(",", ":")) + "\n").encode()


class CacheTest(CacheCase):
    BIG_DAYS = (CHURN_DAY,)

    # --- the options ----------------------------------------------------------------

    def test_options_their_defaults_and_bad_values(self):
        atfs = find_bin("atfs", "ATFS_BIN")
        usage = subprocess.run([atfs, "--print-options=usage"], capture_output=True, text=True, timeout=30)
        self.assertEqual(usage.returncode, 0, usage.stderr)
        lines = {line.split()[0]: line for line in usage.stdout.splitlines() if line.strip()}
        for name, default in [("cache=on|off", "[on]"), ("cache_size=MIB", "[2048]"), ("inflate_threads=N", "[0]")]:
            self.assertIn(name, lines, usage.stdout)
            self.assertTrue(lines[name].endswith(default), lines[name])
        self.assertIn("cache_dir=PATH", lines, usage.stdout)
        mountpoint = os.path.join(self.world.tmp, "never-mounted")
        os.makedirs(mountpoint, exist_ok=True)
        for bad in ("cache=maybe", "cache_size=0", "cache_size=many", "inflate_threads=-1"):
            done = subprocess.run([atfs, mountpoint, "-f", "-o", bad], capture_output=True, text=True, timeout=30)
            self.assertEqual(done.returncode, 2, (bad, done.stderr))
            errors = done.stderr.strip().splitlines()
            self.assertEqual(len(errors), 1, (bad, done.stderr))
            self.assertIn("bad option " + bad, errors[0])
        self.assertFalse(os.path.ismount(mountpoint))

    # --- 1. a second read creates no session --------------------------------------

    def test_second_read_after_remount_creates_no_session(self):
        day = past(2)
        rel, want = self.day_truth(day)
        self.mount()
        self.sequential(rel, want)
        first = self.disk_cache()
        self.assertTrue(first["enabled"], first)
        self.assertEqual(os.path.realpath(first["dir"]), os.path.realpath(self.cache_dir), first)
        self.assertGreater(first["writes"], 0, first)
        self.assertGreater(first["misses"], 0, first)
        hours = self.assert_day_cached(day)
        self.assertEqual(first["max_bytes"], 2048 * MIB, "cache_size's default is 2048 MiB")

        # The same mount, its pages dropped: the cache serves, not the service.
        created = self.sessions_created()
        self.sequential(rel, want)
        self.assertEqual(self.sessions_created(), created, "a second read on the same mount created a session")
        self.unmount()

        self.mount(proxy=True)
        self.sequential(rel, want)
        self.assertEqual(self.session_posts(), 0, "a read served from the cache asked atd for a session")
        self.assertEqual(self.downloads(), 0, "a read served from the cache downloaded")
        self.assertEqual(self.sessions_created(), 0)
        after = self.disk_cache()
        self.assertGreaterEqual(after["hits"], len(hours), after)
        self.assertGreater(after["hit_rate"], 0, after)
        self.assertEqual(after["corrupt"], 0, after)
        engine = self.read_engine()
        self.assertGreaterEqual(engine["hours_from_cache"], len(hours), engine)
        self.assertEqual(engine["hours_fetched"], 0, engine)

    # --- 2. a corrupt entry is never served ---------------------------------------

    def corrupt_and_reread(self, day, damage):
        """Fills the cache with the day, damages one entry with damage(path, entry), then reads
        the day on a fresh mount: the damage is counted, the hour fetched again and rewritten."""
        rel, want = self.day_truth(day)
        self.mount()
        self.sequential(rel, want)
        hour = self.assert_day_cached(day)[len(self.hours_with_events(day)) // 2]
        self.unmount()
        path = self.entry_path(day, hour)
        entry = read_entry(path)
        self.assertEqual(entry.gzip, self.world.client.download_gz(self.domain, day, hour=hour))
        damage(path, entry)
        with self.assertRaises(ValueError, msg="the damage left a valid entry"):
            read_entry(path)

        self.mount(proxy=True)
        self.sequential(rel, want)
        stats = self.disk_cache()
        self.assertEqual(stats["corrupt"], 1, stats)
        self.assertGreaterEqual(self.session_posts(), 1, "the damaged hour was not fetched again")
        rewritten = self.valid_entry(day, hour)
        self.assertEqual(rewritten.gzip, entry.gzip, "the rewritten entry holds other bytes")
        self.assertEqual((rewritten.hour, rewritten.gzip_size), (hour, entry.gzip_size))
        self.unmount()

        # The rewritten entry serves the next mount.
        self.mount(proxy=True)
        self.sequential(rel, want)
        self.assertEqual(self.session_posts(), 0, "the rewritten entry was not used")
        self.assertEqual(self.disk_cache()["corrupt"], 0)

    def test_flipped_byte_in_an_entry_is_refetched(self):
        def flip(path, entry):
            flip_byte(path, entry.header_length + len(entry.gzip) // 2)

        self.corrupt_and_reread(past(3), flip)

    def test_truncated_entry_is_refetched(self):
        def truncate(path, entry):
            os.truncate(path, os.path.getsize(path) - len(entry.gzip) // 2 - len(entry.index))

        self.corrupt_and_reread(past(4), truncate)

    # --- 3. late events change what is served -------------------------------------

    def test_late_events_for_a_cached_hour_are_served(self):
        day = past(5)
        rel, want = self.day_truth(day)
        self.mount(options="cache_ttl=%d" % TTL)
        self.sequential(rel, want)
        hour = self.assert_day_cached(day)[0]
        old = read_entry(self.entry_path(day, hour))
        before = self.disk_cache()

        self.assertEqual(self.world.client.ingest(self.domain, event_at("a", day, hour, 7)), 1)
        _, new_want = self.day_truth(day)
        self.assertIn(b"late event a", new_want)
        self.assertGreater(len(new_want), len(want))
        deadline = time.monotonic() + TTL + 10
        while os.stat(self.path(rel)).st_size != len(new_want) and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(os.stat(self.path(rel)).st_size, len(new_want), "the size did not follow the late event")
        self.sequential(rel, new_want)
        after = self.disk_cache()
        self.assertEqual(after["stale"] - before["stale"], 1, after)
        self.assertEqual(after["corrupt"], 0, after)
        new = self.valid_entry(day, hour, lambda e: e.count != old.count)
        self.assertEqual(new.count, old.count + 1, "the entry was not replaced by the hour's new status")
        self.assertEqual(inflate(new.gzip), self.world.client.download(self.domain, day, hour=hour))

    # --- 4. the size bound --------------------------------------------------------

    def test_size_bound_holds_under_churn(self):
        days = [CHURN_DAY] + [past(n) for n in range(10, 20)]
        truths = [self.day_truth(day) for day in days]
        gzip_read = sum(len(self.world.client.download_gz(self.domain, day)) for day in days)
        self.assertGreater(gzip_read, 2 * MIB, "too little data to churn a 1 MiB cache")
        self.mount(options="cache_size=1")
        peaks = {"entries": 0, "every": 0, "largest": 0}
        stop = threading.Event()

        def sample():  # the folder as another process sees it, every few ms
            while not stop.is_set():
                entries, every = folder_bytes(self.cache_dir)
                peaks["entries"] = max(peaks["entries"], entries)
                peaks["every"] = max(peaks["every"], every)
                for name in entry_names(self.cache_dir):
                    try:
                        peaks["largest"] = max(peaks["largest"], os.lstat(os.path.join(self.cache_dir, name)).st_size)
                    except FileNotFoundError:
                        pass
                stop.wait(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            for rel, want in truths:
                self.sequential(rel, want)
        finally:
            stop.set()
            sampler.join(10)
        stats = self.disk_cache()
        self.assertEqual(stats["max_bytes"], MIB, stats)
        self.assertLessEqual(stats["bytes"], MIB, stats)
        self.assertGreater(stats["evictions"], 0, stats)
        self.assertGreater(stats["writes"], stats["entries"], stats)
        eventually(lambda: folder_bytes(self.cache_dir)[0] == self.disk_cache()["bytes"])
        self.assertEqual(folder_bytes(self.cache_dir)[0], self.disk_cache()["bytes"], "status bytes vs the folder's")
        # Entries are evicted before the rename that makes a new one visible (HourCache.cpp):
        # only the temporaries of writes in flight, one per inflate thread, add to them.
        self.assertLessEqual(peaks["entries"], MIB, peaks)
        writers = max(1, self.read_engine()["inflate_threads"])
        self.assertLessEqual(peaks["every"], MIB + writers * peaks["largest"], peaks)

    def test_a_smaller_bound_evicts_at_start(self):
        self.mount(options="cache_size=8")
        self.sequential(*self.day_truth(CHURN_DAY))
        self.assert_day_cached(CHURN_DAY)
        self.assertGreater(folder_bytes(self.cache_dir)[0], MIB, "too little data to test the bound")
        self.unmount()
        self.mount(options="cache_size=1")
        self.assertLessEqual(folder_bytes(self.cache_dir)[0], MIB)
        stats = self.disk_cache()
        self.assertGreater(stats["evictions"], 0, stats)
        self.assertLessEqual(stats["bytes"], MIB, stats)

    # --- 5. modes -----------------------------------------------------------------

    def read_with_umask_0(self, cache_dir):
        old = os.umask(0)
        try:
            self.mount(cache_dir=cache_dir)  # atfs inherits the umask
        finally:
            os.umask(old)
        self.sequential(*self.day_truth(past(6)))
        self.assertEqual(os.lstat(cache_dir).st_mode & 0o7777, 0o700, cache_dir)
        names = os.listdir(cache_dir)
        self.assertTrue(entry_names(cache_dir), "nothing cached")
        modes = {n: oct(os.lstat(os.path.join(cache_dir, n)).st_mode & 0o7777) for n in names}
        self.assertEqual({n: m for n, m in modes.items() if m != "0o600"}, {}, "entry files not 0600")

    def test_new_folder_0700_and_files_0600_under_umask_0(self):
        self.read_with_umask_0(os.path.join(self.cache_dir, "deeper", "atfs"))

    def test_existing_0755_folder_is_tightened(self):
        os.makedirs(self.cache_dir)
        os.chmod(self.cache_dir, 0o755)
        self.read_with_umask_0(self.cache_dir)

    def test_symlinked_folder_is_refused_and_the_mount_reads_on(self):
        target = self.cache_dir + "-target"
        os.makedirs(target, mode=0o700)
        os.symlink(target, self.cache_dir)
        self.mount()
        self.sequential(*self.day_truth(past(6)))
        self.assertFalse(self.disk_cache()["enabled"], "a symlinked cache folder was used")
        self.assertEqual(os.listdir(target), [])

    # --- 6. cache=off -------------------------------------------------------------

    def test_cache_off_writes_nothing(self):
        rel, want = self.day_truth(past(7))
        os.makedirs(self.cache_dir, mode=0o700)
        self.mount(options="cache=off")
        self.sequential(rel, want)
        self.assertFalse(self.disk_cache()["enabled"])
        self.assertEqual(os.listdir(self.cache_dir), [], "cache=off wrote into the cache folder")
        self.unmount()

        missing = self.cache_dir + "-never"
        self.mount(options="cache=off", cache_dir=missing, proxy=True)
        self.sequential(rel, want)
        self.assertGreater(self.session_posts(), 0, "with cache=off a read was served without a session")
        self.assertFalse(os.path.exists(missing), "cache=off created the cache folder")
        self.assertEqual(os.listdir(self.cache_dir), [])


if __name__ == "__main__":
    unittest.main()
