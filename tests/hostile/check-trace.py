#!/usr/bin/env python3
"""Checks an `strace -f -o TRACE -e trace=%network,%file` log of one run:

    check-trace.py LABEL TRACE CWD [ALLOWED]

Fails on any network syscall, on any execve but the first (the program itself), and on any
syscall that writes, creates, renames or removes a path outside the folder ALLOWED (none if
not given); creating the folders on the way to ALLOWED is allowed. Relative paths are taken
from CWD. Prints one `ok:`/`FAIL:` line per rule and exits 1 on any failure.
"""

import os
import re
import sys

NETWORK = set(
    "socket socketpair connect bind listen accept accept4 sendto sendmsg sendmmsg recvfrom recvmsg"
    " recvmmsg getsockopt setsockopt getsockname getpeername shutdown".split()
)
EXEC = {"execve", "execveat"}
OPEN = {"open", "openat", "openat2", "creat"}
WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_TMPFILE"}
# Syscalls that change the file system at the paths they name.
CHANGE = set(
    "mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2 link linkat symlink symlinkat"
    " truncate chmod fchmodat fchmodat2 chown lchown fchownat mknod mknodat utime utimes utimensat"
    " futimesat setxattr lsetxattr removexattr lremovexattr".split()
)
CALL = re.compile(r"^(\d+)\s+(\w+)\((.*)")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def under(path, folder):
    return folder is not None and (path == folder or path.startswith(folder.rstrip("/") + "/"))


def main():
    label, trace, cwd = sys.argv[1:4]
    allowed = os.path.normpath(sys.argv[4]) if len(sys.argv) > 4 else None
    network, execs, writes = [], [], []
    for line in open(trace, errors="replace"):
        call = CALL.match(line)
        if not call:
            continue  # `<... resumed>`, signals, exits: the call's line came before
        name, args = call.group(2), call.group(3)
        if name in NETWORK:
            network.append(line.strip())
        elif name in EXEC:
            execs.append(line.strip())
        elif name in OPEN or name in CHANGE:
            flags = set(re.findall(r"\bO_[A-Z]+", args))
            if name in OPEN and name != "creat" and not flags & WRITE_FLAGS:
                continue
            relative_to_fd = re.match(r"\s*(\d+)\s*,", args)  # a dirfd other than AT_FDCWD
            for path in STRING.findall(args):
                full = os.path.normpath(os.path.join(cwd, path))
                ancestor = name in ("mkdir", "mkdirat") and allowed is not None and under(allowed, full)
                if relative_to_fd and not path.startswith("/") or not (under(full, allowed) or ancestor):
                    writes.append(line.strip())
                    break
    rules = [
        (network, "no network syscall (socket, connect, ...)"),
        (execs[1:] if execs else ["no execve at all: nothing was traced"], "no execve but the first"),
        (writes, "no file written, created, renamed or removed " + (f"outside {allowed}" if allowed else "at all")),
    ]
    failed = 0
    for offending, what in rules:
        print(("ok: " if not offending else "FAIL: ") + f"{label}: {what}")
        for line in offending[:10]:
            print(f"    {line}")
        failed += bool(offending)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
