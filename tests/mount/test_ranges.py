"""Ranges: START..END.json resolves on lookup (never listed) and equals the concatenation
of its days (or hours); ranges over the 15-day session limit are chained in order; bad
names are ENOENT."""

import errno
import os
import unittest

from dataset import day_range, shift_day
from fixture import MountTestCase


class RangeTest(MountTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = cls.world.space_domains()[0]
        cls.days = {d["date"]: d for d in cls.world.status(cls.domain)}
        cls._day_cache = {}

    def day_bytes(self, day, domain=None):
        domain = domain or self.domain
        key = (domain.rel, day)
        if key not in self._day_cache:
            self._day_cache[key] = self.world.client.download(domain, day)
        return self._day_cache[key]

    def hour_bytes(self, day, hour):
        return self.world.client.download(self.domain, day, day, hour)

    def read(self, name, domain=None):
        with open(self.p((domain or self.domain).rel, name), "rb") as f:
            return f.read()

    def check_days(self, first, last, domain=None):
        name = "%s..%s.json" % (first, last)
        want = b"".join(self.day_bytes(d, domain) for d in day_range(first, last))
        self.assertGreater(len(want), 0)
        self.assertEqual(os.stat(self.p((domain or self.domain).rel, name)).st_size, len(want), name)
        got = self.read(name, domain)
        self.assertEqual(len(got), len(want), name)
        self.assertEqual(got, want, name)

    def test_16_day_range(self):
        # One day over the 15-day session limit: two chained sessions.
        first = shift_day(self.world.first_day, 3)
        self.check_days(first, shift_day(first, 15))

    def test_40_day_range(self):
        first = shift_day(self.world.first_day, 1)
        self.check_days(first, shift_day(first, 39))

    def test_range_on_account(self):
        account = [d for d in self.world.domains if d.account][0]
        first = shift_day(self.world.first_day, 10)
        self.check_days(first, shift_day(first, 16), account)

    def test_single_day_range_equals_day_file(self):
        day = sorted(self.days)[5]
        self.assertEqual(self.read("%s..%s.json" % (day, day)), self.read(day + ".json"))

    def test_range_reaching_past_the_data(self):
        first = shift_day(self.world.last_day, -2)
        self.check_days(first, shift_day(self.world.last_day, 5))

    def test_hour_bound_range(self):
        d1 = shift_day(self.world.first_day, 20)
        d2 = shift_day(d1, 1)
        name = "%sT10..%sT03.json" % (d1, d2)
        parts = [self.hour_bytes(d1, h) for h in range(10, 24)]
        parts += [self.hour_bytes(d2, h) for h in range(0, 4)]
        want = b"".join(parts)
        self.assertGreater(len(want), 0)
        self.assertEqual(os.stat(self.p(self.domain.rel, name)).st_size, len(want))
        self.assertEqual(self.read(name), want)

    def test_hour_bound_range_over_three_days(self):
        d1 = shift_day(self.world.first_day, 30)
        d3 = shift_day(d1, 2)
        name = "%sT22..%sT01.json" % (d1, d3)
        want = b"".join(self.hour_bytes(d1, h) for h in (22, 23))
        want += self.day_bytes(shift_day(d1, 1))
        want += b"".join(self.hour_bytes(d3, h) for h in (0, 1))
        self.assertEqual(self.read(name), want)

    def test_ranges_are_not_listed(self):
        names = os.listdir(self.p(self.domain.rel))
        self.assertFalse([n for n in names if ".." in n], names)

    def test_bad_names_are_enoent(self):
        first = self.world.first_day
        bad = [
            "2017-02-30.json",
            "2026-13-01.json",
            "2026-06-00.json",
            "%s..%s.json" % (shift_day(first, 5), first),  # end before start
            "%sT10..%sT09.json" % (first, first),
            "%sT24..%s.json" % (first, shift_day(first, 1)),
            "x..y.json",
            "..json",
            "%s...%s.json" % (first, first),
            "2017-02-30..2017-03-02.json",
            "garbage",
            "garbage.json",
            "%s.jsonx" % first,
            "%s.json.gz.gz" % first,
            "%s/25.json" % first,
            "%s/7.json" % first,
        ]
        for name in bad:
            with self.subTest(name=name):
                path = self.p(self.domain.rel, name)
                with self.assertRaises(OSError) as ctx:
                    os.stat(path)
                self.assertEqual(ctx.exception.errno, errno.ENOENT, name)
                with self.assertRaises(OSError) as ctx:
                    open(path, "rb").close()
                self.assertEqual(ctx.exception.errno, errno.ENOENT, name)


if __name__ == "__main__":
    unittest.main()
