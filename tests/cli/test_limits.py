"""Sessions are scarce: the 31st live session of a space is refused with exit 5 and advice."""

import json
import unittest

from atctl_env import Env


class SessionLimit(unittest.TestCase):
    def test_31st_session_is_exit_5(self):
        env = Env()
        try:
            env.login()
            ids = []
            for _ in range(30):
                r = env.ok("--json", "session", "create", "-s", "2017-07-25", "-e", "2017-07-25")
                ids.append(json.loads(r.stdout)["id"])
            r = env.run("session", "create", "-s", "2017-07-25", "-e", "2017-07-25")
            self.assertEqual(r.returncode, 5, r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("POST /v3/sessions failed (429)", lines[0])
            self.assertIn("atctl session delete", lines[0])
            # Deleting one makes room again.
            env.ok("session", "delete", ids[0])
            env.ok("session", "create", "-s", "2017-07-25", "-e", "2017-07-25")
        finally:
            env.close()


if __name__ == "__main__":
    unittest.main()
