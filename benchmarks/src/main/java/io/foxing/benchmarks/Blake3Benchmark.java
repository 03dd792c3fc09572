// SPDX-License-Identifier: Apache-2.0
package io.foxing.benchmarks;

import io.foxing.merkle.Blake3;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake3Digest;
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
 * Single-thread BLAKE3 throughput: ours beside BouncyCastle's and commons-codec's, same inputs,
 * same run. Report bytes/s as size / time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Blake3Benchmark {
  @Param({"1024", "65536", "1048576", "16777216"})
  int size;

  private byte[] data;
  private final Blake3 foxing = Blake3.newHasher();
  private final byte[] out = new byte[32];

  @Setup
  public void setup() {
    data = new byte[size];
    new Random(1).nextBytes(data);
  }

  @Benchmark
  public byte[] foxing() {
    foxing.reset().update(data).finalizeTo(0, out, 0, 32);
    return out;
  }

  @Benchmark
  public byte[] bouncyCastle() {
    Blake3Digest d = new Blake3Digest(256);
    d.update(data, 0, data.length);
    d.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public byte[] commonsCodec() {
    return org.apache.commons.codec.digest.Blake3.initHash().update(data).doFinalize(32);
  }
}
