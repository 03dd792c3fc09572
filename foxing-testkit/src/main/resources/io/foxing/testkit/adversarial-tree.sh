#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds a tree that exercises everything `fxcp -a` must keep, with standard tools only, so the
# tests do not trust our own code to make their input. Usage: adversarial-tree.sh DIR
# Needs root for owners, devices and trusted.* xattrs.
set -euo pipefail
root="$1"
mkdir -p "$root"
cd "$root"

# regular files around interesting sizes
: >empty
printf x >one-byte
head -c 4095 /dev/urandom >almost-a-page
head -c 4096 /dev/urandom >a-page
head -c $((1024 * 1024 + 1)) /dev/urandom >just-over-1MiB
head -c $((9 * 1024 * 1024)) /dev/urandom >nine-MiB

# sparse files: hole in the middle, leading hole, trailing hole, all hole
truncate -s 64M sparse-middle
dd if=/dev/urandom of=sparse-middle bs=64K count=4 conv=notrunc status=none
dd if=/dev/urandom of=sparse-middle bs=64K count=4 seek=500 conv=notrunc status=none
truncate -s 32M sparse-leading-hole
dd if=/dev/urandom of=sparse-leading-hole bs=64K count=2 seek=400 conv=notrunc status=none
dd if=/dev/urandom of=sparse-trailing-hole bs=64K count=2 status=none
truncate -s 48M sparse-trailing-hole
truncate -s 16M sparse-all-hole

# hard links: in one directory, across directories, and a group whose first name sorts late
mkdir -p links/a links/b
echo "linked" >links/a/one
ln links/a/one links/a/two
ln links/a/one links/b/three
echo "late" >links/b/zzz
ln links/b/zzz links/a/aaa

# symlinks: relative, absolute out of the tree, dangling, to a directory, a loop
mkdir -p syms/dir
echo target >syms/dir/file
ln -s dir/file syms/relative
ln -s /etc/passwd syms/outside
ln -s does-not-exist syms/dangling
ln -s dir syms/to-dir
ln -s loop-b syms/loop-a
ln -s loop-a syms/loop-b
touch -h -d '2003-04-05 06:07:08.123456789' syms/relative

# special files
mkdir -p special
mkfifo special/fifo
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' special/socket
mknod special/null-like c 1 3
mknod special/block-like b 7 200

# modes and owners
mkdir -p modes
echo s >modes/setuid && chmod 4755 modes/setuid
echo g >modes/setgid && chmod 2750 modes/setgid
echo n >modes/no-access && chmod 000 modes/no-access
mkdir -p modes/sticky && chmod 1777 modes/sticky
mkdir -p modes/read-only-dir && echo inside >modes/read-only-dir/file && chmod 555 modes/read-only-dir
echo o >modes/owned && chown 1234:5678 modes/owned
ln -s owned modes/owned-link && chown -h 4321:8765 modes/owned-link

# times with nanoseconds, in the past and the future
mkdir -p times
echo old >times/old && touch -d '1999-12-31 23:59:59.987654321' times/old
echo fut >times/future && touch -d '2100-01-01 00:00:00.000000001' times/future
touch -a -d '2010-10-10 10:10:10.5' times/old

# xattrs (user, trusted, big values) and POSIX ACLs (access and default)
mkdir -p meta/acl-dir
echo x >meta/xattrs
setfattr -n user.color -v blue meta/xattrs
setfattr -n user.empty meta/xattrs
setfattr -n user.big -v "0x$(head -c 3000 /dev/urandom | od -An -tx1 | tr -d ' \n')" meta/xattrs
setfattr -n trusted.origin -v lab meta/xattrs
setfattr -n user.on-dir -v yes meta
echo a >meta/acl-file
setfacl -m u:nobody:rw-,g:users:r-- meta/acl-file
setfacl -d -m g:users:rx meta/acl-dir
setfacl -m u:nobody:rwx meta/acl-dir
echo inherits >meta/acl-dir/child

# names: newline, invalid UTF-8, spaces, glob characters, leading dash, unicode, 255 bytes
mkdir -p names
echo nl >"names/new
line"
echo bad >"names/$(printf 'bad\xff\xfename')"
echo sp >"names/with  spaces "
echo gl >'names/*?[glob]'
echo dash >names/-leading-dash
echo uni >"names/ünïcødé-名前"
echo long >"names/$(printf 'L%.0s' $(seq 255))"
echo bs >'names/back\slash'

# a wide directory
mkdir -p wide
for i in $(seq 1 300); do echo "$i" >"wide/f$i"; done

# empty directories, nested
mkdir -p empty-dirs/a/b/c
