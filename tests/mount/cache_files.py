"""The read engine's disk cache as files (fs/read/CacheEntry.h, HourCache.h), seen from
outside: which entry files a cache folder holds, how many bytes, and whether one entry is
whole and valid (its header's own CRC32, lengths, the CRC32s of its gzip and index parts).
Only python3's standard library."""

import os
import struct
import zlib

MAGIC = b"ATFSHOUR"
VERSION = 1
HEADER_FIXED = 80  # kHeaderFixedBytes: the fixed fields, the domain's length and the header CRC
MAX_DOMAIN = 256  # kMaxDomainBytes
TEMP_PREFIX = ".tmp."  # CacheFolder's temporaryName(): a write in flight


def entry_name(domain_key, day, hour):
    """HourKey::fileName() for a domain key that needs no escaping (a GUID, "account")."""
    return "%s_%sT%02d.hour" % (domain_key, day, hour)


def entry_names(folder):
    """The entry files in a cache folder (temporaries of writes in flight left out)."""
    try:
        return sorted(n for n in os.listdir(folder) if n.endswith(".hour") and not n.startswith(TEMP_PREFIX))
    except FileNotFoundError:
        return []


def folder_bytes(folder):
    """(bytes of the entry files, bytes of every file) in the folder now; files that vanish
    while listed (evicted, renamed) are skipped."""
    entries = every = 0
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return 0, 0
    for name in names:
        try:
            size = os.lstat(os.path.join(folder, name)).st_size
        except FileNotFoundError:
            continue
        every += size
        if name.endswith(".hour") and not name.startswith(TEMP_PREFIX):
            entries += size
    return entries, every


class Entry:
    """One parsed entry file: its key, its gzip bytes and index blob."""

    def __init__(self, domain, day_number, hour, count, size, gzip_size, gzip, index, header_length):
        self.domain, self.day_number, self.hour = domain, day_number, hour
        self.count, self.size, self.gzip_size = count, size, gzip_size
        self.gzip, self.index, self.header_length = gzip, index, header_length


def parse_entry(raw):
    """The Entry in raw bytes; ValueError naming the first check that fails, as HourCache's
    own check would (a test that corrupts an entry knows the checker agrees it is corrupt)."""
    if len(raw) < HEADER_FIXED or raw[:8] != MAGIC:
        raise ValueError("no entry header")
    version, header_length, day, hour = struct.unpack_from("<IIiI", raw, 8)
    count, size, gzip_size, gzip_length, index_length = struct.unpack_from("<QQQQQ", raw, 24)
    gzip_crc, index_crc, domain_length = struct.unpack_from("<III", raw, 64)
    if version != VERSION:
        raise ValueError("version %d" % version)
    if domain_length > MAX_DOMAIN or header_length != HEADER_FIXED + domain_length or header_length > len(raw):
        raise ValueError("header length %d" % header_length)
    (header_crc,) = struct.unpack_from("<I", raw, header_length - 4)
    if zlib.crc32(raw[: header_length - 4]) != header_crc:
        raise ValueError("header CRC32")
    if not 0 <= hour <= 23 or gzip_length != gzip_size:
        raise ValueError("hour %d, gzip length %d of %d" % (hour, gzip_length, gzip_size))
    if len(raw) != header_length + gzip_length + index_length:
        raise ValueError("file length %d, header says %d" % (len(raw), header_length + gzip_length + index_length))
    gzip = raw[header_length : header_length + gzip_length]
    index = raw[header_length + gzip_length :]
    if zlib.crc32(gzip) != gzip_crc:
        raise ValueError("gzip CRC32")
    if zlib.crc32(index) != index_crc:
        raise ValueError("index CRC32")
    domain = raw[76 : 76 + domain_length].decode()
    return Entry(domain, day, hour, count, size, gzip_size, gzip, index, header_length)


def read_entry(path):
    with open(path, "rb") as f:
        return parse_entry(f.read())


def flip_byte(path, offset):
    """Inverts the bits of one byte of a file in place (mtime kept: only the bytes changed)."""
    st = os.stat(path)
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
