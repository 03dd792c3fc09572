// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Foxing's file-event capture: syscall tracepoints only (kprobes, fentry and BPF-LSM are not
 * available on the kernels we target). Each traced call saves its arguments at entry, keyed by
 * thread; at exit, if the call succeeded, one event goes into the ring buffer with the path
 * arguments read from user memory (resident: the kernel has just read them). Paths are sent as
 * the process gave them; user space resolves relative ones (dirfd, cwd) through /proc.
 *
 * The event layout and op numbers are mirrored in io.foxing.bpf.internal.BpfEvent.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define PATH_BUF 512
#define AT_FDCWD -100
#define O_ACCMODE 3
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_DIRECTORY 0200000
#define O_PATH 010000000
#define AT_REMOVEDIR 0x200

enum op {
  OP_OPEN = 1, OP_WRITE, OP_CLOSE, OP_TRUNCATE, OP_FTRUNCATE, OP_FALLOCATE, OP_RENAME, OP_UNLINK,
  OP_RMDIR, OP_MKDIR, OP_LINK, OP_SYMLINK, OP_CHMOD, OP_FCHMOD, OP_CHOWN, OP_FCHOWN, OP_UTIMENS,
  OP_SETXATTR, OP_FSETXATTR, OP_REMOVEXATTR, OP_FREMOVEXATTR, OP_FSYNC, OP_CHDIR, OP_FCHDIR,
  OP_DUP, OP_FORK, OP_EXIT, OP_OPENDIR
};

/* Layout of every syscalls:sys_enter_* / sys_exit_* record (see the tracepoint's format file). */
struct sys_enter { __u64 common; __s32 nr; __s32 pad; __u64 args[6]; };
struct sys_exit { __u64 common; __s32 nr; __s32 pad; __s64 ret; };

struct pending {
  __u32 op;     /* 0: nothing pending */
  __s32 nr;     /* the system call it belongs to, checked at exit */
  __s32 dfd1;   /* dirfd of path1, or the fd of an fd-based call */
  __s32 dfd2;   /* dirfd of path2 */
  __u32 flags;
  __u32 mode;   /* mode, or uid */
  __u32 extra;  /* gid */
  __u64 p1;     /* user pointers to the path arguments, 0 if none */
  __u64 p2;
  __u64 pad;
};

struct event {
  __u64 seq;
  __u64 ts_ns;
  __u32 pid;
  __u32 tid;
  __s64 ret;
  __u32 op;
  __s32 dfd1;
  __s32 dfd2;
  __u32 flags;
  __u32 mode;
  __u32 extra;
  __u16 len1;   /* bytes of path1 including its NUL; 0 if none */
  __u16 len2;
  __u32 pad;
  char data[2 * PATH_BUF];
};

struct config {
  __u32 exclude_tgid;
  /* where sched_process_fork keeps child_pid: it moved between kernels, so the loader reads the format file */
  __u32 fork_child_pid_offset;
  __u64 coalesce_ns;
  /*
   * 0 while the consumer is polling on its own, when a wakeup per record (an irq_work and a
   * scheduler wakeup each) would cost more than the record; 2 while it sleeps in epoll: every record
   * wakes it (the kernel's adaptive wakeup fires only for a record at the consumer position, so one
   * record committed without a wakeup just before the switch would hold back every later one);
   * 1 for libbpf's consumer, which reads after each wakeup: the kernel's adaptive wakeups.
   */
  __u32 wakeup;
  __u32 pad;
};

struct counters {
  __u64 seq;
  __u64 dropped;
};

struct fdkey {
  __u32 tgid;
  __s32 fd;
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 24);   /* set by the loader from EventOptions */
} events SEC(".maps");

/*
 * The arguments saved at entry, in the thread's own storage: no hashing and no shared buckets
 * (it took a third off the overhead a create-heavy process sees, against a hash map keyed by tid).
 */
struct task_struct;
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct pending);
} pending SEC(".maps");

/* Files written (or opened for writing) and not yet closed: value = when a write was last reported. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct fdkey);
  __type(value, __u64);
} wfds SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct config);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct counters);
} counters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct event);
} scratch SEC(".maps");

static __always_inline struct config *cfg(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&config, &zero);
}

static __always_inline __u64 wakeup_flags(void) {
  struct config *c = cfg();
  if (!c || !c->wakeup)
    return BPF_RB_NO_WAKEUP;
  return c->wakeup == 2 ? BPF_RB_FORCE_WAKEUP : 0;
}

static __always_inline int excluded(__u32 tgid) {
  struct config *c = cfg();
  return c && c->exclude_tgid == tgid;
}

static __always_inline int save_nr(__s32 nr, __u32 op, __s32 dfd1, __u64 p1, __s32 dfd2, __u64 p2, __u32 flags,
                                   __u32 mode, __u32 extra) {
  __u64 id = bpf_get_current_pid_tgid();
  if (excluded(id >> 32))
    return 0;
  struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!p)
    return 0;
  p->op = op;
  p->nr = nr;
  p->dfd1 = dfd1;
  p->dfd2 = dfd2;
  p->flags = flags;
  p->mode = mode;
  p->extra = extra;
  p->p1 = p1;
  p->p2 = p2;
  return 0;
}

/* Every ENTER body has its tracepoint context in scope as ctx; its syscall number ties entry to exit. */
#define save(...) save_nr(ctx->nr, __VA_ARGS__)

static __always_inline int write_intent(__u32 flags) {
  return (flags & O_ACCMODE) != 0 || (flags & (O_CREAT | O_TRUNC)) != 0;
}

/* Directories (and O_PATH handles) are reported too: rm -r, find and tar name files relative to them, and exit before user space could ask /proc. */
static __always_inline int save_open(struct sys_enter *ctx, __s32 dfd, __u64 path, __u32 flags, __u32 mode) {
  if (write_intent(flags))
    return save(OP_OPEN, dfd, path, 0, 0, flags, mode, 0);
  if (flags & (O_DIRECTORY | O_PATH))
    return save(OP_OPENDIR, dfd, path, 0, 0, flags, mode, 0);
  return 0;
}

/* A write is reported once per open file per coalescing interval; every file written gets a wfds entry so its close is reported. */
static __always_inline int save_write(struct sys_enter *ctx, __s32 fd) {
  __u64 id = bpf_get_current_pid_tgid();
  struct fdkey k = {.tgid = id >> 32, .fd = fd};
  __u64 now = bpf_ktime_get_ns();
  __u64 *last = bpf_map_lookup_elem(&wfds, &k);
  struct config *c = cfg();
  __u64 window = c ? c->coalesce_ns : 0;
  if (last && *last != 0 && now - *last < window)
    return 0;
  if (excluded(k.tgid))
    return 0;
  return save(OP_WRITE, fd, 0, 0, 0, 0, 0, 0);
}

static __always_inline int save_close(struct sys_enter *ctx, __s32 fd) {
  __u64 id = bpf_get_current_pid_tgid();
  struct fdkey k = {.tgid = id >> 32, .fd = fd};
  if (!bpf_map_lookup_elem(&wfds, &k))
    return 0;
  return save(OP_CLOSE, fd, 0, 0, 0, 0, 0, 0);
}

/*
 * Every dup is reported (user space follows directory descriptors too: rm -r dups them with
 * fcntl). dup2/dup3 onto a descriptor silently close what it held: flags bit 0 says the old
 * descriptor was a written file (the new one now is too), bit 1 that the new one was and is closed.
 */
static __always_inline int save_dup(struct sys_enter *ctx, __s32 oldfd, __s32 newfd) {
  __u64 id = bpf_get_current_pid_tgid();
  struct fdkey k = {.tgid = id >> 32, .fd = oldfd};
  __u32 flags = bpf_map_lookup_elem(&wfds, &k) ? 1 : 0;
  if (newfd >= 0 && newfd != oldfd) {
    k.fd = newfd;
    if (bpf_map_lookup_elem(&wfds, &k))
      flags |= 2;
  }
  return save(OP_DUP, oldfd, 0, newfd, 0, flags, 0, 0);
}

static __always_inline int finish(struct sys_exit *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  struct pending *p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
  if (!p || p->op == 0)
    return 0;
  if (p->nr != ctx->nr) {
    p->op = 0;   /* left by a call whose exit we never saw */
    return 0;
  }
  __s64 ret = ctx->ret;
  __u32 zero = 0;
  struct event *e = bpf_map_lookup_elem(&scratch, &zero);
  struct counters *n = bpf_map_lookup_elem(&counters, &zero);
  if (ret < 0 || !e || !n)
    goto out;

  __u32 tgid = id >> 32;
  if (p->op == OP_OPEN || (p->op == OP_DUP && (p->flags & 1))) {
    struct fdkey k = {.tgid = tgid, .fd = p->op == OP_DUP && p->dfd2 >= 0 ? p->dfd2 : (__s32)ret};
    __u64 never = 0;
    bpf_map_update_elem(&wfds, &k, &never, BPF_ANY);
  } else if (p->op == OP_DUP) {
    struct fdkey k = {.tgid = tgid, .fd = p->dfd2};
    bpf_map_delete_elem(&wfds, &k);
  } else if (p->op == OP_CLOSE) {
    struct fdkey k = {.tgid = tgid, .fd = p->dfd1};
    bpf_map_delete_elem(&wfds, &k);
  } else if (p->op == OP_WRITE) {
    /* only a write that succeeded marks the descriptor (and starts the coalescing interval) */
    struct fdkey k = {.tgid = tgid, .fd = p->dfd1};
    __u64 now = bpf_ktime_get_ns();
    bpf_map_update_elem(&wfds, &k, &now, BPF_ANY);
  }

  e->seq = __sync_fetch_and_add(&n->seq, 1);
  e->ts_ns = bpf_ktime_get_ns();
  e->pid = tgid;
  e->tid = (__u32)id;
  e->ret = ret;
  e->op = p->op;
  e->dfd1 = p->dfd1;
  e->dfd2 = p->dfd2;
  e->flags = p->flags;
  e->mode = p->mode;
  e->extra = p->extra;
  e->pad = 0;
  long len1 = 0, len2 = 0;
  if (p->p1) {
    len1 = bpf_probe_read_user_str(e->data, PATH_BUF, (const void *)p->p1);
    if (len1 < 0)
      len1 = 0;
  }
  if (len1 > PATH_BUF)
    len1 = PATH_BUF;
  if (p->p2) {
    len2 = bpf_probe_read_user_str(e->data + len1, PATH_BUF, (const void *)p->p2);
    if (len2 < 0)
      len2 = 0;
  }
  if (len2 > PATH_BUF)
    len2 = PATH_BUF;
  e->len1 = len1;
  e->len2 = len2;
  __u64 size = __builtin_offsetof(struct event, data) + len1 + len2;
  if (size > sizeof(*e))
    size = sizeof(*e);
  if (bpf_ringbuf_output(&events, e, size, wakeup_flags()) != 0)
    __sync_fetch_and_add(&n->dropped, 1);
out:
  p->op = 0;
  return 0;
}

#define ENTER(name) SEC("tracepoint/syscalls/sys_enter_" #name) int enter_##name(struct sys_enter *ctx)
#define EXIT(name) \
  SEC("tracepoint/syscalls/sys_exit_" #name) int exit_##name(struct sys_exit *ctx) { return finish(ctx); }
#define A(i) (ctx->args[i])

ENTER(open) { return save_open(ctx, AT_FDCWD, A(0), A(1), A(2)); }
EXIT(open)
ENTER(openat) { return save_open(ctx, A(0), A(1), A(2), A(3)); }
EXIT(openat)
ENTER(openat2) {
  __u64 how[2] = {0, 0};  /* struct open_how: flags, mode, resolve */
  bpf_probe_read_user(how, sizeof(how), (const void *)A(2));
  return save_open(ctx, A(0), A(1), how[0], how[1]);
}
EXIT(openat2)
ENTER(creat) { return save(OP_OPEN, AT_FDCWD, A(0), 0, 0, 01 | O_CREAT | O_TRUNC, A(1), 0); }
EXIT(creat)

ENTER(write) { return save_write(ctx, A(0)); }
EXIT(write)
ENTER(pwrite64) { return save_write(ctx, A(0)); }
EXIT(pwrite64)
ENTER(writev) { return save_write(ctx, A(0)); }
EXIT(writev)
ENTER(pwritev) { return save_write(ctx, A(0)); }
EXIT(pwritev)
ENTER(pwritev2) { return save_write(ctx, A(0)); }
EXIT(pwritev2)
ENTER(close) { return save_close(ctx, A(0)); }
EXIT(close)
ENTER(dup) { return save_dup(ctx, A(0), -1); }
EXIT(dup)
ENTER(dup2) { return save_dup(ctx, A(0), A(1)); }
EXIT(dup2)
ENTER(dup3) { return save_dup(ctx, A(0), A(1)); }
EXIT(dup3)
ENTER(fcntl) {
  if (A(1) == 0 /* F_DUPFD */ || A(1) == 1030 /* F_DUPFD_CLOEXEC */)
    return save_dup(ctx, A(0), -1);
  return 0;
}
EXIT(fcntl)

ENTER(truncate) { return save(OP_TRUNCATE, AT_FDCWD, A(0), 0, 0, 0, 0, 0); }
EXIT(truncate)
ENTER(ftruncate) { return save(OP_FTRUNCATE, A(0), 0, 0, 0, 0, 0, 0); }
EXIT(ftruncate)
ENTER(fallocate) { return save(OP_FALLOCATE, A(0), 0, 0, 0, A(1), 0, 0); }
EXIT(fallocate)

ENTER(rename) { return save(OP_RENAME, AT_FDCWD, A(0), AT_FDCWD, A(1), 0, 0, 0); }
EXIT(rename)
ENTER(renameat) { return save(OP_RENAME, A(0), A(1), A(2), A(3), 0, 0, 0); }
EXIT(renameat)
ENTER(renameat2) { return save(OP_RENAME, A(0), A(1), A(2), A(3), A(4), 0, 0); }
EXIT(renameat2)

ENTER(unlink) { return save(OP_UNLINK, AT_FDCWD, A(0), 0, 0, 0, 0, 0); }
EXIT(unlink)
ENTER(unlinkat) { return save(A(2) & AT_REMOVEDIR ? OP_RMDIR : OP_UNLINK, A(0), A(1), 0, 0, A(2), 0, 0); }
EXIT(unlinkat)
ENTER(rmdir) { return save(OP_RMDIR, AT_FDCWD, A(0), 0, 0, 0, 0, 0); }
EXIT(rmdir)
ENTER(mkdir) { return save(OP_MKDIR, AT_FDCWD, A(0), 0, 0, 0, A(1), 0); }
EXIT(mkdir)
ENTER(mkdirat) { return save(OP_MKDIR, A(0), A(1), 0, 0, 0, A(2), 0); }
EXIT(mkdirat)

ENTER(link) { return save(OP_LINK, AT_FDCWD, A(0), AT_FDCWD, A(1), 0, 0, 0); }
EXIT(link)
ENTER(linkat) { return save(OP_LINK, A(0), A(1), A(2), A(3), A(4), 0, 0); }
EXIT(linkat)
/* path1 is the link's contents (never resolved), path2 the new name. */
ENTER(symlink) { return save(OP_SYMLINK, AT_FDCWD, A(0), AT_FDCWD, A(1), 0, 0, 0); }
EXIT(symlink)
ENTER(symlinkat) { return save(OP_SYMLINK, AT_FDCWD, A(0), A(1), A(2), 0, 0, 0); }
EXIT(symlinkat)

ENTER(chmod) { return save(OP_CHMOD, AT_FDCWD, A(0), 0, 0, 0, A(1), 0); }
EXIT(chmod)
ENTER(fchmod) { return save(OP_FCHMOD, A(0), 0, 0, 0, 0, A(1), 0); }
EXIT(fchmod)
ENTER(fchmodat) { return save(OP_CHMOD, A(0), A(1), 0, 0, 0, A(2), 0); }
EXIT(fchmodat)
ENTER(fchmodat2) { return save(OP_CHMOD, A(0), A(1), 0, 0, A(3), A(2), 0); }
EXIT(fchmodat2)
ENTER(chown) { return save(OP_CHOWN, AT_FDCWD, A(0), 0, 0, 0, A(1), A(2)); }
EXIT(chown)
ENTER(lchown) { return save(OP_CHOWN, AT_FDCWD, A(0), 0, 0, 0x100, A(1), A(2)); }
EXIT(lchown)
ENTER(fchown) { return save(OP_FCHOWN, A(0), 0, 0, 0, 0, A(1), A(2)); }
EXIT(fchown)
ENTER(fchownat) { return save(OP_CHOWN, A(0), A(1), 0, 0, A(4), A(2), A(3)); }
EXIT(fchownat)
/* A null path means the dirfd itself (futimens). */
ENTER(utimensat) { return save(OP_UTIMENS, A(0), A(1), 0, 0, A(3), 0, 0); }
EXIT(utimensat)

/* For the xattr calls path2 carries the attribute's name (no dirfd). */
ENTER(setxattr) { return save(OP_SETXATTR, AT_FDCWD, A(0), 0, A(1), 0, 0, 0); }
EXIT(setxattr)
ENTER(lsetxattr) { return save(OP_SETXATTR, AT_FDCWD, A(0), 0, A(1), 0x100, 0, 0); }
EXIT(lsetxattr)
ENTER(fsetxattr) { return save(OP_FSETXATTR, A(0), 0, 0, A(1), 0, 0, 0); }
EXIT(fsetxattr)
ENTER(removexattr) { return save(OP_REMOVEXATTR, AT_FDCWD, A(0), 0, A(1), 0, 0, 0); }
EXIT(removexattr)
ENTER(lremovexattr) { return save(OP_REMOVEXATTR, AT_FDCWD, A(0), 0, A(1), 0x100, 0, 0); }
EXIT(lremovexattr)
ENTER(fremovexattr) { return save(OP_FREMOVEXATTR, A(0), 0, 0, A(1), 0, 0, 0); }
EXIT(fremovexattr)

ENTER(fsync) { return save(OP_FSYNC, A(0), 0, 0, 0, 0, 0, 0); }
EXIT(fsync)
ENTER(fdatasync) { return save(OP_FSYNC, A(0), 0, 0, 0, 1, 0, 0); }
EXIT(fdatasync)

/* Not changes: they let user space follow each process's working directory. */
ENTER(chdir) { return save(OP_CHDIR, AT_FDCWD, A(0), 0, 0, 0, 0, 0); }
EXIT(chdir)
ENTER(fchdir) { return save(OP_FCHDIR, A(0), 0, 0, 0, 0, 0, 0); }
EXIT(fchdir)

static __always_inline int emit_process(__u32 op, __s64 value) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 zero = 0;
  struct counters *n = bpf_map_lookup_elem(&counters, &zero);
  struct event *e = bpf_map_lookup_elem(&scratch, &zero);
  if (!n || !e)
    return 0;
  __builtin_memset(e, 0, __builtin_offsetof(struct event, data));
  e->seq = __sync_fetch_and_add(&n->seq, 1);
  e->ts_ns = bpf_ktime_get_ns();
  e->pid = id >> 32;
  e->tid = (__u32)id;
  e->op = op;
  e->ret = value;
  if (bpf_ringbuf_output(&events, e, __builtin_offsetof(struct event, data), wakeup_flags()) != 0)
    __sync_fetch_and_add(&n->dropped, 1);
  return 0;
}

/* A new process inherits its parent's working directory: say so, so user space need not ask /proc in time. */
SEC("tracepoint/sched/sched_process_fork")
int on_fork(void *ctx) {
  struct config *c = cfg();
  if (!c || c->exclude_tgid == bpf_get_current_pid_tgid() >> 32 || c->fork_child_pid_offset == 0 ||
      c->fork_child_pid_offset > 64)
    return 0;
  __s32 child = 0;
  bpf_probe_read_kernel(&child, sizeof(child), (char *)ctx + c->fork_child_pid_offset);
  return emit_process(OP_FORK, child);
}

/* A process that exits closes its files without close(): user space reports those it knows were written. */
SEC("tracepoint/sched/sched_process_exit")
int on_exit(void *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  if ((id >> 32) != (__u32)id || excluded(id >> 32))
    return 0;   /* only the thread-group leader's exit ends the process (nearly always the last) */
  return emit_process(OP_EXIT, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
