// SPDX-License-Identifier: Apache-2.0
/*
 * make-files DIR COUNT [RATE LOG]: the load for benchmarks/e2e-events.sh. Creates DIR/f0000000...
 * with open(O_CREAT|O_WRONLY) + close, as fast as it can, or RATE files per second. With LOG, writes
 * for each file its name and the CLOCK_MONOTONIC time just before the open (the clock Java's
 * System.nanoTime reads on Linux), so a consumer can tell how long each event took to reach it.
 * Prints the nanoseconds the create loop took.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 5) {
    fprintf(stderr, "usage: make-files DIR COUNT [RATE LOG]\n");
    return 2;
  }
  const char *dir = argv[1];
  long count = atol(argv[2]);
  double rate = argc == 5 ? atof(argv[3]) : 0;
  FILE *log = argc == 5 ? fopen(argv[4], "w") : NULL;
  if (argc == 5 && !log) {
    perror(argv[4]);
    return 2;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0) {
    perror(dir);
    return 2;
  }
  long long *stamps = log ? malloc(sizeof(long long) * count) : NULL;
  char name[32];
  long long start = now();
  for (long i = 0; i < count; i++) {
    if (rate > 0) {
      long long due = start + (long long)(i * 1e9 / rate);
      long long t;
      while ((t = now()) < due) {
        if (due - t > 200000) {
          struct timespec s = {0, (due - t) - 100000};
          nanosleep(&s, NULL);
        }
      }
    }
    snprintf(name, sizeof name, "f%07ld", i);
    if (stamps)
      stamps[i] = now();
    int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
      perror(name);
      return 1;
    }
    close(fd);
  }
  long long elapsed = now() - start;
  if (log) {
    for (long i = 0; i < count; i++)
      fprintf(log, "f%07ld %lld\n", i, stamps[i]);
    fclose(log);
  }
  printf("%lld\n", elapsed);
  return 0;
}
