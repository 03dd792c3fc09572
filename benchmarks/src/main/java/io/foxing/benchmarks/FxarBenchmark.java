// SPDX-License-Identifier: Apache-2.0
package io.foxing.benchmarks;

import io.foxing.fxar.Compression;
import io.foxing.fxar.internal.Chunker;
import io.foxing.fxar.internal.Codecs;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FXAR kernels on one thread: finding cut points in 16 MiB (report MB/s as 16 MiB / time), and
 * compressing / decompressing one 64 KiB chunk of text-like data with each codec.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FxarBenchmark {
  static final int CHUNKED = 16 << 20;

  @Param({"zstd:3", "lz4", "gzip:6", "xz:6"})
  String codec;

  private byte[] random;
  private byte[] text;
  private byte[] packed;
  private Compression compression;
  private final Chunker chunker = Chunker.standard();

  @Setup
  public void setup() {
    random = new byte[CHUNKED];
    new Random(1).nextBytes(random);
    // words from a small vocabulary with numbers: compresses about 3x, like source and docs
    Random r = new Random(2);
    String[] words = {
      "the",
      "file",
      "copy",
      "chunk",
      "archive",
      "metadata",
      "error",
      "return",
      "value",
      "index",
      "{",
      "}",
      ";"
    };
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 65536) {
      sb.append(words[r.nextInt(words.length)])
          .append(r.nextInt(10) < 2 ? " " + r.nextInt(100000) : "")
          .append(r.nextInt(12) == 0 ? "\n" : " ");
    }
    text = sb.substring(0, 65536).getBytes(StandardCharsets.US_ASCII);
    compression = Compression.parse(codec);
    packed = Codecs.compress(compression, text, 0, text.length);
  }

  /**
   * Cut points of 16 MiB of random data (the chunker's work per byte does not depend on content).
   */
  @Benchmark
  public int chunk16MiB() {
    int off = 0;
    int n = 0;
    while (off < random.length) {
      off += chunker.cut(random, off, random.length - off);
      n++;
    }
    return n;
  }

  @Benchmark
  public byte[] compress64KiB() {
    return Codecs.compress(compression, text, 0, text.length);
  }

  @Benchmark
  public byte[] decompress64KiB() throws java.io.IOException {
    return Codecs.decompress(compression.codec(), packed, packed.length, text.length);
  }
}
