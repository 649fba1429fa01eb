#!/usr/bin/env python3
"""cmake --install into a temp DESTDIR with a non-default prefix puts exactly the expected
files there, and the installed mount helper and units name the installed programs.
Usage: check_install.py BUILD_DIR"""

import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1]
PREFIX = "/opt/atfs-test"
EXPECTED = """
bin/atctl bin/atd bin/atfs
sbin/mount.atfs sbin/mount.fuse.atfs
share/man/man1/atctl.1.gz share/man/man1/atfs.1.gz share/man/man8/atd.8.gz
share/man/man8/mount.atfs.8.gz share/man/man8/mount.fuse.atfs.8.gz
share/bash-completion/completions/atctl
lib/systemd/system/atd.service lib/systemd/system/atfs@.service lib/sysusers.d/atd.conf
share/doc/atfs/README.md share/doc/atfs/changelog.gz share/doc/atfs/copyright
share/doc/atfs/examples/mnt-at.mount
""".split()


def main():
    problems = []
    with tempfile.TemporaryDirectory(prefix="atfs-install-") as dest:
        env = dict(os.environ, DESTDIR=dest)
        done = subprocess.run(["cmake", "--install", BUILD, "--prefix", PREFIX], env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            sys.exit("cmake --install failed:\n" + done.stdout + done.stderr)
        root = dest + PREFIX
        found = set()
        for top, dirs, files in os.walk(dest):
            for f in files:
                found.add(os.path.relpath(os.path.join(top, f), root))
        for f in sorted(set(EXPECTED) - found):
            problems.append("not installed: " + f)
        for f in sorted(found - set(EXPECTED)):
            problems.append("installed but not expected (add it here if meant): " + f)
        if not problems:
            helper = os.path.join(root, "sbin/mount.fuse.atfs")
            if os.readlink(helper) != "mount.atfs":
                problems.append("mount.fuse.atfs is not a link to mount.atfs")
            for f, wants in [("sbin/mount.atfs", PREFIX + "/bin/atfs"),
                             ("lib/systemd/system/atd.service", "ExecStart=" + PREFIX + "/bin/atd serve"),
                             ("lib/systemd/system/atfs@.service", "ExecStart=" + PREFIX + "/bin/atfs %f")]:
                with open(os.path.join(root, f)) as fh:
                    if wants not in fh.read():
                        problems.append("%s does not name %s" % (f, wants))
            for f in ["bin/atfs", "bin/atctl", "bin/atd", "sbin/mount.atfs"]:
                if not os.access(os.path.join(root, f), os.X_OK):
                    problems.append(f + " is not executable")
    if problems:
        sys.exit("\n".join(problems))
    print("cmake --install: %d files under DESTDIR%s, as expected" % (len(found), PREFIX))


main()
