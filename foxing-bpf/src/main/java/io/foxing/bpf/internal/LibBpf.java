// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The raw libbpf 1.x binding (Debian's libbpf.so.1), C names and C types. libbpf 1.x returns {@code
 * NULL} or a negative errno on failure and sets errno; {@link BpfProgram} checks.
 */
final class LibBpf {
  static final NativeLibrary LIBRARY = NativeLibrary.getInstance("bpf");

  static {
    Native.register(LIBRARY);
  }

  private LibBpf() {}

  static native Pointer bpf_object__open_mem(Pointer buf, long size, Pointer opts);

  static native int bpf_object__load(Pointer obj);

  static native void bpf_object__close(Pointer obj);

  static native Pointer bpf_object__find_map_by_name(Pointer obj, String name);

  static native Pointer bpf_object__next_program(Pointer obj, Pointer prev);

  static native String bpf_program__name(Pointer prog);

  static native Pointer bpf_program__attach(Pointer prog);

  static native int bpf_link__destroy(Pointer link);

  static native int bpf_map__set_max_entries(Pointer map, int max);

  static native int bpf_map__fd(Pointer map);

  static native int bpf_map_update_elem(int fd, byte[] key, byte[] value, long flags);

  static native int bpf_map_lookup_elem(int fd, byte[] key, byte[] value);

  static native Pointer ring_buffer__new(int mapFd, SampleCallback cb, Pointer ctx, Pointer opts);

  static native int ring_buffer__poll(Pointer rb, int timeoutMs);

  static native void ring_buffer__free(Pointer rb);

  static native Pointer libbpf_set_print(PrintCallback fn);

  /** {@code int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size)}. */
  interface SampleCallback extends Callback {
    int invoke(Pointer ctx, Pointer data, long size);
  }

  /**
   * {@code int (*libbpf_print_fn_t)(enum libbpf_print_level, const char *, va_list)}: only the
   * level and format are used.
   */
  interface PrintCallback extends Callback {
    int invoke(int level, Pointer format, Pointer args);
  }
}
