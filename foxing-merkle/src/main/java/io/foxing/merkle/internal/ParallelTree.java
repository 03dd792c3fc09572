// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Hashes an input whose length is known up front as a tree, the two halves of every large subtree
 * on different cores. The left subtree of a node always holds the largest power-of-two number of
 * chunks that leaves at least one byte on the right (BLAKE3 paper, section 2.1), which is exactly
 * the tree the streaming hasher builds, so both give the same hash.
 */
public final class ParallelTree {
  /** Below this, splitting work across threads costs more than it saves. */
  private static final long FORK_THRESHOLD = 256 * 1024;

  /**
   * Pieces per thread the input is split into, enough for work stealing to even out cores that run
   * at different speeds. Splitting further only costs: each piece hashes its last chunks on the
   * scalar path and starts a new streaming hasher. With 256 KiB pieces a 1 GiB file hashed on 2
   * cores in 1.91 s on the vector path, with 8 pieces per thread in 1.74 s (fxcp sum, JDK 25,
   * hyperfine A/B in one run, 2026-12-03).
   */
  private static final int PIECES_PER_THREAD = 8;

  /** What every subtree of one hash shares. */
  private record Job(
      Source src, Buffers buffers, int[] key, int flags, long forkAbove, boolean vector) {}

  /**
   * Whether the vector path pays with this many hashing threads. It is fast once C2 has compiled
   * it; until then it runs interpreted or in C1, allocating vectors, far slower than the scalar
   * path. While every core hashes, the compiler waits for one: 1 GiB on 2 cores took 1.74 s on the
   * vector path and 1.55 s on the scalar one (JDK 25, warm cache, fxcp sum with its start, two
   * hyperfine runs minutes apart, 2026-12-03); on one of 2 cores the vector path took 1.90 s and
   * the scalar one 2.80 s (one run). So it is used when a core is left.
   */
  static boolean vectorPays(int threads) {
    return threads < Runtime.getRuntime().availableProcessors();
  }

  /**
   * Random access to the input: a heap array, a buffer (direct or mapped), or mapped file segments.
   */
  public interface Source {
    long length();

    /** Copies {@code len} bytes at {@code pos} into {@code dst[off..]}. */
    void read(long pos, byte[] dst, int off, int len);

    /** The backing array when the whole input is one, so chunks are hashed in place; else null. */
    default byte[] array() {
      return null;
    }
  }

  public static Source of(byte[] data, int off, int len) {
    if (off == 0 && len == data.length) {
      return new Source() {
        public long length() {
          return len;
        }

        public void read(long pos, byte[] dst, int o, int n) {
          System.arraycopy(data, (int) pos, dst, o, n);
        }

        public byte[] array() {
          return data;
        }
      };
    }
    return of(ByteBuffer.wrap(data, off, len).slice());
  }

  public static Source of(ByteBuffer buffer) {
    ByteBuffer b = buffer.slice();
    return new Source() {
      public long length() {
        return b.remaining();
      }

      public void read(long pos, byte[] dst, int o, int n) {
        b.get((int) pos, dst, o, n);
      }
    };
  }

  private ParallelTree() {}

  /** The root node of the whole input (compress it with {@link Output#rootBytes}). */
  public static Output root(Source src, int[] key, int flags, ForkJoinPool pool) {
    long len = src.length();
    Output root = new Output();
    if (len <= Compress.CHUNK_LEN) {
      TreeHasher h = new TreeHasher(key, flags);
      byte[] all = new byte[(int) len];
      src.read(0, all, 0, (int) len);
      h.update(all, 0, all.length);
      return h.root(root);
    }
    long left = leftLen(len);
    int[] lcv = new int[8];
    int[] rcv = new int[8];
    Buffers buffers = new Buffers((int) Math.min(Sequential.READ, len));
    int threads = pool == null ? 1 : pool.getParallelism();
    long forkAbove = Math.max(FORK_THRESHOLD, len / ((long) threads * PIECES_PER_THREAD));
    Job job = new Job(src, buffers, key, flags, forkAbove, vectorPays(threads));
    Subtree l = new Subtree(job, 0, left, 0, lcv);
    Subtree r = new Subtree(job, left, len - left, left / Compress.CHUNK_LEN, rcv);
    if (pool == null) {
      l.compute();
      r.compute();
    } else {
      pool.invoke(
          new RecursiveAction() {
            @Override
            protected void compute() {
              invokeAll(l, r);
            }
          });
    }
    return root.parent(lcv, rcv, key, flags);
  }

  /** Bytes in the left subtree of a node over {@code len > 1024} bytes. */
  static long leftLen(long len) {
    long fullChunks = (len - 1) / Compress.CHUNK_LEN;
    return Long.highestOneBit(fullChunks) * Compress.CHUNK_LEN;
  }

  /** The chaining value of one subtree (never the root), forked while it is large. */
  private static final class Subtree extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Job job;
    private final long off;
    private final long len;
    private final long counter;
    private final int[] out;

    Subtree(Job job, long off, long len, long counter, int[] out) {
      this.job = job;
      this.off = off;
      this.len = len;
      this.counter = counter;
      this.out = out;
    }

    @Override
    protected void compute() {
      if (len > job.forkAbove() && getPool() != null) {
        long left = leftLen(len);
        int[] lcv = new int[8];
        int[] rcv = new int[8];
        invokeAll(
            new Subtree(job, off, left, counter, lcv),
            new Subtree(job, off + left, len - left, counter + left / Compress.CHUNK_LEN, rcv));
        new Output().parent(lcv, rcv, job.key(), job.flags()).chainingValue(out);
        return;
      }
      new Sequential(job).cv(off, len, counter, out);
    }
  }

  /**
   * Read buffers for inputs that are not one array, shared by the threads of one hash: at most one
   * per thread exists, however many subtrees there are.
   */
  private static final class Buffers {
    private final int size;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

    Buffers(int size) {
      this.size = size;
    }

    byte[] take() {
      byte[] b = free.poll();
      return b != null ? b : new byte[size];
    }

    void give(byte[] b) {
      free.add(b);
    }
  }

  /** One thread's worth of the tree: the streaming hasher over the subtree's bytes. */
  private static final class Sequential {
    /**
     * Bytes copied and hashed at a time. The last 8 chunks of each piece go through the scalar path
     * (the streaming hasher keeps back the last chunk until it knows more follows), so pieces are
     * large: with 1 MiB instead of 64 KiB a mapped 1 GiB file hashed in 0.80-0.88 s instead of
     * 1.05-1.15 s on the vector path (JDK 17, one thread, 2026-11-24).
     */
    static final int READ = 1 << 20;

    private final Source src;
    private final Buffers buffers;
    private final TreeHasher tree;
    private final Output node = new Output();

    Sequential(Job job) {
      this.src = job.src();
      this.buffers = job.buffers();
      this.tree = new TreeHasher(job.key(), job.flags(), job.vector());
    }

    void cv(long off, long len, long counter, int[] out) {
      tree.reset(counter);
      byte[] a = src.array();
      if (a != null) {
        tree.update(a, (int) off, (int) len);
      } else {
        byte[] buf = buffers.take();
        try {
          for (long done = 0; done < len; ) {
            int n = (int) Math.min(buf.length, len - done);
            src.read(off + done, buf, 0, n);
            tree.update(buf, 0, n);
            done += n;
          }
        } finally {
          buffers.give(buf);
        }
      }
      tree.root(node).chainingValue(out);
    }
  }
}
