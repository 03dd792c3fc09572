#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A seeded, scripted file-system workload for the event-source tests: workload.py ROOT SEED OPS.

Runs OPS random operations (creates, appends, in-place writes, truncates, rename chains, deletes,
chmod, chown, mkdir/rmdir, directory renames, hard links, symlinks, xattrs, fsync) on ROOT through
os.* calls, a third of them by relative names after a chdir, then a few shell tools (cp -r, mv,
rm -r, tar, touch) whose short-lived processes name files relative to directory descriptors.
Prints one line per operation kind with its count, so tests can check the mix, then one
"renamed-dir OLD NEW" line per directory it renamed (paths below those are reported under either
name, depending on when a tool reads them).
"""
import os
import random
import shutil
import subprocess
import sys

root, seed, ops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
counts = {}
renamed_dirs = []


def count(kind):
    counts[kind] = counts.get(kind, 0) + 1


def dirs():
    out = [root]
    for d, subdirs, _ in os.walk(root):
        out.extend(os.path.join(d, s) for s in subdirs if not os.path.islink(os.path.join(d, s)))
    return out


def files():
    out = []
    for d, _, names in os.walk(root):
        out.extend(os.path.join(d, n) for n in names if os.path.isfile(os.path.join(d, n)) and not os.path.islink(os.path.join(d, n)))
    return out


def fresh(d):
    return os.path.join(d, "n%05d" % rng.randrange(100000))


def pick(items):
    return rng.choice(items) if items else None


def data(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


for i in range(ops):
    relative = i % 3 == 0
    ds = dirs()
    fs = files()
    op = rng.choices(
        ["create", "append", "overwrite", "truncate", "rename", "chain", "delete", "chmod", "chown", "mkdir",
         "rmdir", "rendir", "link", "symlink", "setxattr", "rmxattr", "fsync"],
        [14, 8, 6, 3, 6, 3, 6, 5, 2, 6, 2, 2, 4, 4, 4, 2, 2])[0]
    d = pick(ds)
    f = pick(fs)
    if relative:
        os.chdir(d)
    try:
        if op == "create":
            p = fresh(d)
            with open(os.path.basename(p) if relative else p, "wb") as out:
                out.write(data(rng.randrange(1, 3000)))
        elif op == "append" and f:
            with open(f, "ab") as out:
                out.write(data(rng.randrange(1, 500)))
        elif op == "overwrite" and f:
            with open(f, "r+b") as out:
                out.seek(rng.randrange(0, max(1, os.path.getsize(f))))
                out.write(data(rng.randrange(1, 200)))
        elif op == "truncate" and f:
            os.truncate(f, rng.randrange(0, max(1, os.path.getsize(f))))
        elif op == "rename" and f:
            os.rename(f, fresh(pick(ds)))
        elif op == "chain" and f:
            a = f
            for _ in range(3):
                b = fresh(pick(ds))
                os.rename(a, b)
                a = b
        elif op == "delete" and f:
            os.unlink(os.path.basename(f) if relative and os.path.dirname(f) == d else f)
        elif op == "chmod" and f:
            os.chmod(f, rng.choice([0o600, 0o644, 0o640, 0o755, 0o444]))
        elif op == "chown" and f:
            os.lchown(f, 1000 + rng.randrange(5), 1000 + rng.randrange(5))
        elif op == "mkdir":
            p = fresh(d)
            os.mkdir(os.path.basename(p) if relative else p)
        elif op == "rmdir" and d != root:
            if os.listdir(d):
                if rng.random() < 0.3:
                    os.chdir(root)
                    shutil.rmtree(d)
                else:
                    op = "skip"
            else:
                os.chdir(root)
                os.rmdir(d)
        elif op == "rendir" and d != root:
            target = fresh(pick([x for x in ds if not (x + "/").startswith(d + "/")] or [root]))
            os.chdir(root)
            os.rename(d, target)
            renamed_dirs.append((d, target))
        elif op == "link" and f:
            os.link(f, fresh(pick(ds)))
        elif op == "symlink":
            os.symlink(pick(["../x", "target", f or "nowhere"]), fresh(d))
        elif op == "setxattr" and f:
            os.setxattr(f, "user.k%d" % rng.randrange(3), data(rng.randrange(1, 40)))
        elif op == "rmxattr" and f:
            names = os.listxattr(f)
            if names:
                os.removexattr(f, names[0])
            else:
                op = "skip"
        elif op == "fsync" and f:
            with open(f, "ab") as out:
                out.write(b"s")
                os.fsync(out.fileno())
        else:
            op = "skip"
    except FileNotFoundError:
        op = "skip"
    count(op)
    os.chdir(root)

# short-lived tools working relative to directory descriptors and their own working directories
os.makedirs(os.path.join(root, "tools/a/b"), exist_ok=True)
for n in range(20):
    with open(os.path.join(root, "tools/a/b/f%d" % n), "wb") as out:
        out.write(data(100))
script = """
set -e
cd "$1/tools"
cp -r a c
mv c/b c/moved
touch c/moved/new
rm -r a
tar cf - c | (mkdir t && cd t && tar xf -)
find t -name 'f1*' -delete
echo hello > t/greeting
chmod -R go-w t
"""
subprocess.run(["bash", "-c", script, "bash", root], check=True)
count("shell")
for k in sorted(counts):
    print(k, counts[k])
for old, new in renamed_dirs:
    print("renamed-dir", old, new)
