"""Every error path gives one clear stderr line and its documented exit code; an expired
token mid-workflow is refreshed without the user noticing."""

import json
import os
import pty
import select
import subprocess
import time
import unittest

from atctl_env import (APIKEY, ATCTL, AUDITOR_APIKEY, Env, free_port, read_bytes,
                       read_json)


class Errors(unittest.TestCase):
    def setUp(self):
        self.env = Env()
        self.addCleanup(self.env.close)

    def assertFails(self, result, code, *fragments):
        self.assertEqual(result.returncode, code, f"stdout={result.stdout!r} stderr={result.stderr!r}")
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("atctl: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        return lines[0]

    def test_bad_api_key_is_exit_2(self):
        r = self.env.run("login", "--endpoint", self.env.url, ATFS_APIKEY="not-a-key")
        self.assertFails(r, 2, "401", "atctl login")
        self.assertFalse(os.path.exists(self.env.config_path), "a refused key is not saved")

    def test_key_from_file_and_from_stdin(self):
        keyfile = os.path.join(self.env.tmp, "key")
        with open(keyfile, "w") as f:
            f.write("demo-apikey-0123456789abcdef\n")
        self.env.ok("login", "--endpoint", self.env.url, "--apikey-file", keyfile)
        self.env.ok("login", "--endpoint", self.env.url, input="demo-apikey-0123456789abcdef\n")
        r = self.env.run("login", "--endpoint", self.env.url, input="wrong\n")
        self.assertFails(r, 2)

    def test_prompt_on_a_terminal_does_not_echo_the_key(self):
        pid, fd = pty.fork()
        if pid == 0:  # the child: its terminal is the pty, so atctl prompts on /dev/tty
            try:
                os.execve(ATCTL, [ATCTL, "login", "--endpoint", self.env.url], self.env.env())
            finally:
                os._exit(127)
        screen = b""
        exit_code = None
        try:
            deadline = time.monotonic() + 60
            sent = False
            while time.monotonic() < deadline:
                if not sent and b"API key: " in screen:
                    os.write(fd, APIKEY.encode() + b"\n")
                    sent = True
                if not select.select([fd], [], [], 0.5)[0]:
                    continue
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break  # the child exited and closed the terminal
                if not chunk:
                    break
                screen += chunk
            while exit_code is None and time.monotonic() < deadline + 10:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    exit_code = os.waitstatus_to_exitcode(status)
                else:
                    time.sleep(0.05)
        finally:
            if exit_code is None:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            os.close(fd)
        self.assertEqual(exit_code, 0, screen)
        self.assertIn(b"API key: ", screen)
        self.assertIn(b"Logged in", screen, screen)
        self.assertNotIn(APIKEY.encode(), screen, "the key was echoed")
        self.assertEqual(read_json(self.env.config_path)["apikey"], APIKEY)

    def test_unknown_session_is_exit_4(self):
        self.env.login()
        for args in (["session", "show", "no-such-session"], ["session", "delete", "no-such"],
                     ["download", "--inflate", "no-such-session"]):
            with self.subTest(args=args):
                self.assertFails(self.env.run(*args), 4, "404", "atctl session list")

    def test_failed_download_leaves_an_existing_file_alone(self):
        self.env.login()
        out = os.path.join(self.env.tmp, "precious.gz")
        with open(out, "wb") as f:
            f.write(b"keep me")
        self.assertFails(self.env.run("download", "--no-resume", "-o", out, "no-such-session"), 4)
        self.assertEqual(read_bytes(out), b"keep me")

    def test_more_than_15_days_is_exit_6_with_the_service_message(self):
        self.env.login()
        r = self.env.run("session", "create", "-s", "2017-07-01", "-e", "2017-07-16")
        line = self.assertFails(r, 6, "POST /v3/sessions failed (400)", "at most 15 days")
        self.assertTrue(line.endswith("— use a range of at most 15 days"), line)
        self.assertIn("failed (400): the range 2017-07-01..2017-07-16 is 16 days", line)
        # 15 days, the limit atd, atctl and atfs share (IBM's API page), is one session.
        r = self.env.run("session", "create", "-s", "2017-07-01", "-e", "2017-07-15")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.env.run("session", "create", "-s", "2017-07-01", "-e", "2017-07-31")
        line = self.assertFails(r, 6, "POST /v3/sessions failed (400)")
        # The service's message alone, not its error code in front of it.
        self.assertIn("failed (400): the range 2017-07-01..2017-07-31 is 31 days", line)
        self.assertNotIn("bad_request", line)

    def test_endpoint_down_is_exit_7(self):
        r = self.env.run("login", "--endpoint", f"http://127.0.0.1:{free_port()}",
                         ATFS_APIKEY="demo-apikey-0123456789abcdef")
        self.assertFails(r, 7, "endpoint")
        self.env.login()
        self.env.atd.terminate()
        self.env.atd.wait(timeout=10)
        self.assertFails(self.env.run("status"), 7)

    def test_world_readable_config_is_exit_10(self):
        self.env.login()
        os.chmod(self.env.config_path, 0o644)
        self.assertFails(self.env.run("status"), 10, "chmod 600", self.env.config_path)

    def test_missing_config_is_exit_10(self):
        self.assertFails(self.env.run("status"), 10, "run atctl login")
        other = os.path.join(self.env.tmp, "nowhere.json")
        self.assertFails(self.env.run("--config", other, "session", "list"), 10, other,
                         "run atctl login")

    def test_usage_errors_are_exit_1(self):
        self.env.login()
        self.assertFails(self.env.run("session", "create", "-s", "2017-02-30"), 1, "2017-02-30")
        self.assertFails(self.env.run("session", "create", "-T", "24"), 1, "24")
        self.assertFails(self.env.run("frobnicate"), 1, "unknown command 'frobnicate'")
        self.assertFails(self.env.run("delete", "-s", "2017-07-01"), 1, "--end")
        self.assertFails(self.env.run("target", "-s", "no-such-space"), 1, "no-such-space")

    def test_help_on_every_command(self):
        for args in (["--help"], ["login", "--help"], ["target", "--help"], ["status", "--help"],
                     ["session", "--help"], ["session", "create", "--help"],
                     ["session", "list", "--help"], ["session", "show", "--help"],
                     ["session", "delete", "--help"], ["download", "--help"],
                     ["delete", "--help"], ["option", "--help"], ["trail", "--help"]):
            with self.subTest(args=args):
                r = self.env.run(*args)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Usage", r.stdout)

    def test_json_errors_still_one_line(self):
        self.env.login()
        self.assertFails(self.env.run("--json", "session", "show", "nope"), 4)


class Spaces(unittest.TestCase):
    """Several spaces: login leaves the choice to target; access is per space and account."""

    def setUp(self):
        self.env = Env(spaces=3)
        self.addCleanup(self.env.close)
        users = read_json(os.path.join(self.env.data, "users.json"))["users"]
        self.spaces = next(u for u in users if u["name"] == "demo@example.com")["spaces"]
        self.assertEqual(len(self.spaces), 3)

    def assertFails(self, result, code, *fragments):
        return Errors.assertFails(self, result, code, *fragments)

    def test_target_picks_among_several_spaces(self):
        env = self.env
        env.login()
        self.assertEqual(read_json(env.config_path).get("space_guid", ""), "")
        self.assertFails(env.run("status"), 10, "atctl target")
        last = self.spaces[-1]
        r = json.loads(env.ok("target", "-o", last["org"], "-s", last["name"], "--json").stdout)
        self.assertEqual(r["space_guid"], last["guid"])
        self.assertEqual(read_json(env.config_path)["space_guid"], last["guid"])
        env.ok("status")
        # A new login keeps a target that is still visible.
        env.login()
        self.assertEqual(read_json(env.config_path)["space_guid"], last["guid"])

    def test_target_by_org_alone(self):
        env = self.env
        env.login()
        by_org = {}
        for space in self.spaces:
            by_org.setdefault(space["org"], []).append(space)
        for org, spaces in by_org.items():
            with self.subTest(org=org):
                r = json.loads(env.ok("target", "-o", org, "--json").stdout)
                self.assertEqual(r["org"], org)
                # An org's only space is targeted; with several, the choice is left to -s.
                self.assertEqual(r["space_guid"], spaces[0]["guid"] if len(spaces) == 1 else "")
        self.assertFails(env.run("target", "-o", "no-such-org"), 1, "no-such-org")

    def test_forbidden_is_exit_3(self):
        env = self.env
        env.ok("login", "--endpoint", env.url, ATFS_APIKEY=AUDITOR_APIKEY)
        saved = read_json(env.config_path)
        self.assertEqual(saved["space_guid"], self.spaces[0]["guid"], "the auditor sees one space")
        env.ok("status")
        self.assertFails(env.run("status", "-a"), 3, "403")
        # A space the auditor was not granted, written into the config by hand.
        saved["space_guid"] = self.spaces[1]["guid"]
        with open(env.config_path, "w") as f:
            json.dump(saved, f)
        self.assertFails(env.run("status"), 3, "403")


class Tls(unittest.TestCase):
    """TLS is verified by default; --cacert trusts a private CA; --insecure skips the check."""

    def setUp(self):
        self.env = Env(spaces=1, tls=True)
        self.addCleanup(self.env.close)
        self.assertTrue(self.env.url.startswith("https://"), self.env.url)

    def test_untrusted_certificate_is_refused(self):
        r = self.env.run("login", "--endpoint", self.env.url, ATFS_APIKEY=APIKEY)
        Errors.assertFails(self, r, 7, "certificate", "--cacert")
        self.assertFalse(os.path.exists(self.env.config_path))

    def test_cacert_and_insecure(self):
        env = self.env
        r = subprocess.run([ATCTL, "login", "--endpoint", env.url, "--cacert", "cert.pem"],
                           cwd=env.tmp, capture_output=True, text=True, timeout=60,
                           env=env.env(ATFS_APIKEY=APIKEY))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isabs(read_json(env.config_path)["cacert"]))
        env.ok("status")  # from another working directory: the saved path is absolute
        env.ok("login", "--endpoint", env.url, "--insecure", ATFS_APIKEY=APIKEY)
        self.assertTrue(read_json(env.config_path)["insecure"])
        env.ok("session", "list")


class TokenExpiry(unittest.TestCase):
    def test_expired_token_mid_workflow(self):
        env = Env(token_ttl=2)
        try:
            env.login()
            session = json.loads(env.ok("session", "create", "--json").stdout)
            time.sleep(3)
            env.ok("status")
            time.sleep(3)
            env.ok("download", "--inflate", session["id"])
            time.sleep(3)
            env.ok("session", "delete", session["id"])
            self.assertEqual(json.loads(env.ok("session", "list", "--json").stdout), [])
        finally:
            env.close()


if __name__ == "__main__":
    unittest.main()
