"""atctl download: stdout into gunzip, the progress bar on a terminal, resume after a cut
connection (fault_proxy) and resume into an existing partial -o file."""

import json
import os
import pty
import re
import select
import subprocess
import time
import unittest

from atctl_env import (ATCTL, FAULT_PROXY, Env, expected_lines, gunzip_lines, make_events,
                       read_bytes, write_events)


def human_bytes(n):
    """What the bar prints for n bytes: "512 B", "29.89 KiB", "1.50 MiB"."""
    units = ["B", "KiB", "MiB", "GiB"]
    unit = 0
    while n >= 1024 and unit < len(units) - 1:
        n /= 1024
        unit += 1
    return f"{n:.0f} B" if unit == 0 else f"{n:.2f} {units[unit]}"


class Download(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        try:
            cls.env.login()
            # Incompressible padding, so the gzip download is big enough to cut and resume.
            cls.events = make_events(3000, seed=11, padding=400)
            path = os.path.join(cls.env.tmp, "big.jsonl")
            write_events(path, cls.events)
            cls.env.ok("trail", "-f", path)
            cls.session = json.loads(cls.env.ok("session", "create", "-s", "2017-07-25", "-e",
                                                "2017-07-25", "--json").stdout)
            cls.full = os.path.join(cls.env.tmp, "full.gz")
            cls.env.ok("download", "-o", cls.full, cls.session["id"])
            cls.full_bytes = read_bytes(cls.full)
        except BaseException:
            cls.env.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def test_full_download_matches_events(self):
        self.assertGreater(len(self.full_bytes), 200_000)
        self.assertEqual(len(self.full_bytes), self.session["gzip-size"])
        self.assertEqual(gunzip_lines(self.full_bytes), expected_lines(self.events))

    def test_stdout_pipes_into_gunzip(self):
        env = self.env
        atctl = subprocess.Popen([ATCTL, "download", self.session["id"]], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env.env())
        gunzip = subprocess.Popen(["gunzip", "-c"], stdin=atctl.stdout, stdout=subprocess.PIPE)
        atctl.stdout.close()
        out, _ = gunzip.communicate(timeout=120)
        err = atctl.stderr.read().decode()
        self.assertEqual(atctl.wait(timeout=60), 0, err)
        self.assertEqual(gunzip.returncode, 0)
        self.assertEqual(out.decode().splitlines(), expected_lines(self.events))
        self.assertIn("Download completed successfully", err)
        self.assertNotIn("%", err, "no progress bar when stderr is not a terminal")

    def run_on_a_terminal(self, *args):
        """Runs atctl with stderr on a pseudo-terminal; returns what the terminal showed."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([ATCTL, *args], stdout=subprocess.PIPE, stderr=slave,
                                env=self.env.env())
        os.close(slave)
        screen = b""
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.5)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        break  # the child closed the terminal
                    if not chunk:
                        break
                    screen += chunk
                elif proc.poll() is not None:
                    break
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.wait(timeout=60), 0, screen)
        return screen.decode()

    def assertBarEndsAt100(self, screen):
        frames = [f.strip() for f in screen.replace("\n", "\r").split("\r") if "%" in f]
        self.assertTrue(frames, screen)
        percents = [float(re.search(r"(\d+\.\d+)%", f).group(1)) for f in frames]
        self.assertEqual(percents, sorted(percents), "the bar never goes back")
        self.assertLessEqual(max(percents), 100.0)
        self.assertLess(percents[0], 50.0, "the first frame comes before the data")
        self.assertEqual(percents[-1], 100.0, frames[-1])
        total = re.escape(human_bytes(len(self.full_bytes)))
        self.assertRegex(frames[-1], rf"^{total} / {total} \[=+\] 100\.00% .*/s 0s$")

    def test_progress_bar_on_a_terminal_ends_at_100_percent(self):
        out = os.path.join(self.env.tmp, "pty.gz")
        self.assertBarEndsAt100(self.run_on_a_terminal("download", "-o", out, self.session["id"]))
        self.assertEqual(read_bytes(out), self.full_bytes)

    def test_progress_bar_of_an_inflated_download_ends_at_100_percent(self):
        out = os.path.join(self.env.tmp, "pty.json")
        self.assertBarEndsAt100(
            self.run_on_a_terminal("download", "--inflate", "-o", out, self.session["id"]))
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read().splitlines(), expected_lines(self.events))

    def test_resume_after_a_cut_connection(self):
        if not os.path.exists(FAULT_PROXY):
            self.fail(f"{FAULT_PROXY} is missing")
        config, log = self.login_through_proxy(cut_after=100_000, once=True)
        out = os.path.join(self.env.tmp, "cut.gz")
        self.env.ok("--config", config, "download", "-o", out, self.session["id"])
        self.assertEqual(read_bytes(out), self.full_bytes)
        self.assertIn("cut after 100000 bytes", read_bytes(log).decode(), "the proxy really cut")

    def test_resume_into_an_existing_partial_file(self):
        env = self.env
        total = len(self.full_bytes)
        cut = total // 3
        out = os.path.join(env.tmp, "partial.gz")
        with open(out, "wb") as f:
            f.write(self.full_bytes[:cut])
        r = env.ok("download", "-o", out, self.session["id"])
        self.assertIn(f"at byte {cut}", r.stderr)
        self.assertEqual(read_bytes(out), self.full_bytes)
        self.assertEqual(gunzip_lines(read_bytes(out)), expected_lines(self.events))

        # The bytes already there are kept, not fetched again: a marked prefix survives.
        with open(out, "wb") as f:
            f.write(b"\xAA" * cut)
        env.ok("download", "-o", out, self.session["id"])
        data = read_bytes(out)
        self.assertEqual(data[:cut], b"\xAA" * cut)
        self.assertEqual(data[cut:], self.full_bytes[cut:])

        # --no-resume starts over.
        env.ok("download", "--no-resume", "-o", out, self.session["id"])
        self.assertEqual(read_bytes(out), self.full_bytes)

    def login_through_proxy(self, cut_after, once):
        proxy_url, log = self.env.start_fault_proxy(cut_after=cut_after, once=once)
        config = os.path.join(self.env.tmp, f"proxy-{len(self.env.procs)}.json")
        self.env.ok("--config", config, "login", "--endpoint", proxy_url,
                    ATFS_APIKEY="demo-apikey-0123456789abcdef")
        return config, log

    def test_every_connection_cut(self):
        config, log = self.login_through_proxy(cut_after=100_000, once=False)
        out = os.path.join(self.env.tmp, "cuts.gz")
        self.env.ok("--config", config, "download", "-o", out, self.session["id"])
        self.assertEqual(read_bytes(out), self.full_bytes)
        cuts = read_bytes(log).decode().count("cut after 100000 bytes")
        self.assertGreaterEqual(cuts, len(self.full_bytes) // 100_000)

    def test_resume_after_an_interrupted_atctl(self):
        # Every download connection is cut, so the download takes several reconnects: long
        # enough to kill -9 atctl half-way, as a user's Ctrl-C or a crash would.
        config, _ = self.login_through_proxy(cut_after=50_000, once=False)
        out = os.path.join(self.env.tmp, "killed.gz")
        proc = subprocess.Popen([ATCTL, "--config", config, "download", "-o", out,
                                 self.session["id"]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=self.env.env())
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if os.path.exists(out) and os.path.getsize(out) >= 100_000:
                    proc.kill()
                    break
                time.sleep(0.001)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        partial = os.path.getsize(out)
        self.assertGreater(partial, 0)
        self.assertLess(partial, len(self.full_bytes), "atctl was stopped half-way")
        r = self.env.ok("download", "-o", out, self.session["id"])
        self.assertIn(f"at byte {partial}", r.stderr)
        self.assertEqual(read_bytes(out), self.full_bytes)


if __name__ == "__main__":
    unittest.main()
