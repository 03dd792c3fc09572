// SPDX-License-Identifier: Apache-2.0
package io.foxing.benchmarks;

import io.foxing.api.FilterRules;
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

/**
 * Cost of deciding one path against typical rule lists: the copier asks once per entry, so this
 * must stay far below a stat(2) (about 1 us).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterBenchmark {
  private final FilterRules few = FilterRules.builder().exclude("*.o").exclude("/build/").build();
  private final FilterRules many =
      FilterRules.builder()
          .include("keep/***")
          .exclude("*.tmp")
          .exclude("*.o")
          .exclude("**/node_modules/")
          .exclude("/target/")
          .exclude(".git/")
          .exclude("*~")
          .exclude("[#]*[#]")
          .exclude("cache/**/*.bin")
          .exclude("/dist")
          .build();
  private final String path = "src/main/java/io/foxing/copy/internal/TreeCopy.java";

  @Benchmark
  public boolean noRules() {
    return FilterRules.NONE.isExcluded(path, false);
  }

  @Benchmark
  public boolean twoRules() {
    return few.isExcluded(path, false);
  }

  @Benchmark
  public boolean tenRules() {
    return many.isExcluded(path, false);
  }
}
