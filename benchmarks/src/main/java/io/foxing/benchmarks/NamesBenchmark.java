// SPDX-License-Identifier: Apache-2.0
package io.foxing.benchmarks;

import io.foxing.posix.Names;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Turning a name's bytes into the string reports show: done once per entry of every walk. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NamesBenchmark {
  private final byte[] ascii = "CopyFileRangeTier.java".getBytes(StandardCharsets.US_ASCII);
  private final byte[] utf8 = "ünïcødé-名前.txt".getBytes(StandardCharsets.UTF_8);
  private final byte[] invalid = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'};

  @Benchmark
  public String asciiName() {
    return Names.display(ascii);
  }

  @Benchmark
  public String utf8Name() {
    return Names.display(utf8);
  }

  @Benchmark
  public String invalidName() {
    return Names.display(invalid);
  }
}
