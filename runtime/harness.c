/* harness.c - Run a dnp-compiled model on files from the host.
 *
 *   fw.elf [--runs N] IN OUT [IN OUT ...]
 *   fw.elf --batch IN.f32 OUT.f32
 *   fw.elf --calibrate
 *
 * For every IN/OUT pair it reads the model input from IN (a .npy file with
 * the input's dtype, '<f4' or for a quantized input '|i1' (the stored int8
 * values), and the model's element count, or raw little-endian values),
 * runs the model, and writes its output to OUT (.npy when the name ends in
 * ".npy", raw values otherwise; f32 or int8 as the model's output). It
 * prints one line per run:
 *
 *   dnp: in.npy -> out.npy ticks 123 instructions 4920
 *
 * On the target, files and the command line go through Arm semihosting
 * (QEMU's -semihosting, or a debug probe with semihosting enabled: OpenOCD
 * `arm semihosting enable`), and the run is timed with SysTick running at
 * the core clock. Under QEMU with -icount shift=0 every instruction takes
 * exactly 1 ns of virtual time, so `instructions` = ticks * ns-per-tick
 * (DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN, set per board by build.sh) is a
 * deterministic instruction count, exact to one tick; on a real board the
 * same ticks are core cycles. `--calibrate` checks the conversion with a
 * loop of known length.
 *
 * --batch runs the model on every input of a raw file (f32 or int8)
 * holding N inputs back to back (e.g. a test set) and writes the N outputs
 * back to back, then prints the count and the total, minimum and maximum
 * instructions per inference:
 *
 *   dnp: batch 10000 inferences instructions total 123 min 12 max 13
 *
 * Built with -DDNP_HOST it runs on the build machine instead (stdio files,
 * no timing), for testing the generated code quickly.
 *
 * The model is chosen at compile time:
 *   -DDNP_MODEL_HEADER='"model.h"' -DDNP_NAME=model -DDNP_NAME_UPPER=MODEL
 * No heap is used: the input is read straight into the model's arena.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef DNP_MODEL_HEADER
#error "define DNP_MODEL_HEADER, DNP_NAME and DNP_NAME_UPPER (see build.sh)"
#endif
#include DNP_MODEL_HEADER

#define DNP_CAT3_(a, b, c) a##b##c
#define DNP_CAT3(a, b, c) DNP_CAT3_(a, b, c)
#define MODEL_FN(suffix) DNP_CAT3(dnp_, DNP_NAME, suffix)
#define MODEL_MACRO(suffix) DNP_CAT3(DNP_, DNP_NAME_UPPER, suffix)

#define IN_ELEMENTS MODEL_MACRO(_INPUT_ELEMENTS)
#define OUT_ELEMENTS MODEL_MACRO(_OUTPUT_ELEMENTS)
#define OUT_RANK MODEL_MACRO(_OUTPUT_RANK)

/* Element types: f32, or the stored values of an int8 (quantized) tensor.
 * Headers from before int8 support have no _IS_INT8: f32. */
#if MODEL_MACRO(_INPUT_IS_INT8)
#define IN_ELEMENT_BYTES 1
#define IN_DESCR "'|i1'"
#else
#define IN_ELEMENT_BYTES 4
#define IN_DESCR "'<f4'"
#endif
#if MODEL_MACRO(_OUTPUT_IS_INT8)
#define OUT_ELEMENT_BYTES 1
#define OUT_DESCR "'|i1'"
#else
#define OUT_ELEMENT_BYTES 4
#define OUT_DESCR "'<f4'"
#endif

/*--------------------------------------------------------------------------
 * I/O: semihosting on the target, stdio on the host
 *------------------------------------------------------------------------*/
#ifdef DNP_HOST
#include <stdio.h>
#include <stdlib.h>

typedef FILE *file_t;
#define FILE_INVALID NULL
static file_t io_open(const char *path, int write) {
  return fopen(path, write ? "wb" : "rb");
}
static size_t io_read(file_t f, void *buf, size_t n) { return fread(buf, 1, n, f); }
static size_t io_write(file_t f, const void *buf, size_t n) {
  return fwrite(buf, 1, n, f);
}
static void io_close(file_t f) { fclose(f); }
static void io_print(const char *s) { fputs(s, stdout); }
static void io_exit(int code) { exit(code); }
static uint64_t ticks_now(void) { return 0; }
static void ticks_start(void) {}
#else
/* Arm semihosting: operation in r0, argument block in r1, BKPT 0xAB. */
static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
enum {
  SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
  SYS_READ = 0x06, SYS_GET_CMDLINE = 0x15, SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

typedef int file_t;
#define FILE_INVALID (-1)
static file_t io_open(const char *path, int write) {
  uintptr_t block[3] = {(uintptr_t)path, write ? 5u : 1u, strlen(path)};
  return semihost(SYS_OPEN, block); /* mode 1 = "rb", 5 = "wb" */
}
static size_t io_read(file_t f, void *buf, size_t n) {
  uintptr_t block[3] = {(uintptr_t)f, (uintptr_t)buf, n};
  return n - (size_t)semihost(SYS_READ, block); /* returns bytes NOT read */
}
static size_t io_write(file_t f, const void *buf, size_t n) {
  uintptr_t block[3] = {(uintptr_t)f, (uintptr_t)buf, n};
  return n - (size_t)semihost(SYS_WRITE, block);
}
static void io_close(file_t f) {
  uintptr_t block[1] = {(uintptr_t)f};
  semihost(SYS_CLOSE, block);
}
static void io_print(const char *s) { semihost(SYS_WRITE0, s); }
static void io_exit(int code) {
  uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)code};
  semihost(SYS_EXIT_EXTENDED, block);
  semihost(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
  for (;;) {
  }
}

void dnp_rt_exit(int code) __attribute__((noreturn));
void dnp_rt_exit(int code) {
  io_exit(code);
  for (;;) {
  }
}

/* SysTick at the core clock, extended to 64 bits by its wrap interrupt. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
extern volatile uint32_t dnp_rt_systick_wraps;
static void ticks_start(void) {
  SYST_CSR = 0;
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  dnp_rt_systick_wraps = 0;
  SYST_CSR = 7; /* enable, interrupt on wrap, core clock */
  /* The counter reads 0 until its first reload to 0xFFFFFF. */
  while (SYST_CVR == 0) {
  }
}
static uint64_t ticks_now(void) {
  uint32_t wraps, value;
  do {
    wraps = dnp_rt_systick_wraps;
    value = SYST_CVR;
  } while (wraps != dnp_rt_systick_wraps);
  return (uint64_t)wraps * 0x1000000u + (0xFFFFFFu - value);
}
#endif

#ifndef DNP_RT_TICK_NS_NUM
#define DNP_RT_TICK_NS_NUM 40 /* MPS2: 25 MHz */
#endif
#ifndef DNP_RT_TICK_NS_DEN
#define DNP_RT_TICK_NS_DEN 1
#endif

/*--------------------------------------------------------------------------
 * Small helpers (no printf: keeps the firmware small)
 *------------------------------------------------------------------------*/
static void print_u64(uint64_t v) {
  char buf[21];
  int i = 20;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  io_print(buf + i);
}

static int fail(const char *what, const char *path) {
  io_print("dnp: error: ");
  io_print(what);
  if (path) {
    io_print(": ");
    io_print(path);
  }
  io_print("\n");
  return 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/*--------------------------------------------------------------------------
 * .npy: version 1.0, '<f4', C order
 *------------------------------------------------------------------------*/
static char npy_header[512];

/* Reads IN into `dst` (elements values of the input's type). */
static int read_input(const char *path, void *dst, size_t elements) {
  file_t f = io_open(path, 0);
  if (f == FILE_INVALID)
    return fail("cannot open input", path);
  unsigned char pre[10];
  size_t got = io_read(f, pre, sizeof pre);
  size_t skip = 0;
  int npy = got == sizeof pre && memcmp(pre, "\x93NUMPY", 6) == 0;
  if (npy) {
    size_t hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
    if (pre[6] != 1 || hlen >= sizeof npy_header ||
        io_read(f, npy_header, hlen) != hlen) {
      io_close(f);
      return fail("unsupported .npy header (need version 1.0)", path);
    }
    npy_header[hlen] = 0;
    if (!strstr(npy_header, IN_DESCR) || strstr(npy_header, "True")) {
      io_close(f);
      return fail(IN_ELEMENT_BYTES == 1
                      ? "input must be int8 ('|i1') in C order"
                      : "input must be little-endian f32 in C order",
                  path);
    }
  } else {
    /* Raw values: the 10 bytes read so far are data. */
    skip = got;
  }
  unsigned char *bytes = (unsigned char *)dst;
  size_t want = elements * IN_ELEMENT_BYTES;
  if (skip > want) {
    io_close(f);
    return fail("input has more elements than the model", path);
  }
  memcpy(bytes, pre, skip);
  size_t n = skip + io_read(f, bytes + skip, want - skip);
  unsigned char extra;
  size_t more = io_read(f, &extra, 1);
  io_close(f);
  if (n != want || more != 0)
    return fail("input does not have the model's element count", path);
  return 0;
}

static char *append(char *p, const char *s) {
  while (*s)
    *p++ = *s++;
  return p;
}

static char *append_u64(char *p, uint64_t v) {
  char buf[21];
  int i = 20;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return append(p, buf + i);
}

static int write_output(const char *path, const void *src, size_t elements,
                        const long *shape, int rank) {
  file_t f = io_open(path, 1);
  if (f == FILE_INVALID)
    return fail("cannot create output", path);
  if (ends_with(path, ".npy")) {
    char dict[256];
    char *p = append(dict, "{'descr': " OUT_DESCR ", 'fortran_order': False, 'shape': (");
    for (int i = 0; i < rank; ++i) {
      p = append_u64(p, (uint64_t)shape[i]);
      p = append(p, rank == 1 ? ",), }" : (i + 1 < rank ? ", " : "), }"));
    }
    /* Pad so that the data starts at a multiple of 64 bytes. */
    size_t len = (size_t)(p - dict);
    while ((10 + len + 1) % 64)
      dict[len++] = ' ';
    dict[len++] = '\n';
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(len & 0xFF),
                             (unsigned char)(len >> 8)};
    io_write(f, pre, sizeof pre);
    io_write(f, dict, len);
  }
  size_t bytes = elements * OUT_ELEMENT_BYTES;
  size_t n = io_write(f, src, bytes);
  io_close(f);
  return n == bytes ? 0 : fail("short write", path);
}

/*--------------------------------------------------------------------------
 * Calibration: a loop of exactly 2*N+2 instructions
 *------------------------------------------------------------------------*/
#ifndef DNP_HOST
static int calibrate(void) {
  const uint32_t n = 1u << 20;
  ticks_start();
  uint64_t t0 = ticks_now();
  uint32_t r = n;
  __asm__ volatile("1:\n\tsubs %0, %0, #1\n\tbne 1b" : "+r"(r) : : "cc");
  uint64_t t1 = ticks_now();
  uint64_t ticks = t1 - t0;
  io_print("dnp: calibration loop of ");
  print_u64(2ull * n);
  io_print(" instructions: ticks ");
  print_u64(ticks);
  io_print(" instructions ");
  print_u64(ticks * DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN);
  io_print("\n");
  return 0;
}
#endif

/*--------------------------------------------------------------------------
 * Batch mode: many inputs from one file, many outputs to another
 *------------------------------------------------------------------------*/
static int run_batch(const char *in_path, const char *out_path) {
  file_t in = io_open(in_path, 0);
  if (in == FILE_INVALID)
    return fail("cannot open input", in_path);
  file_t out = io_open(out_path, 1);
  if (out == FILE_INVALID) {
    io_close(in);
    return fail("cannot create output", out_path);
  }
  const size_t in_bytes = IN_ELEMENTS * IN_ELEMENT_BYTES;
  const size_t out_bytes = OUT_ELEMENTS * OUT_ELEMENT_BYTES;
  uint64_t count = 0, total = 0, lo = 0, hi = 0;
  int rc = 0;
  ticks_start();
  for (;;) {
    /* The input goes straight into the arena: no staging buffer. */
    size_t n = io_read(in, MODEL_FN(_input)(), in_bytes);
    if (n == 0)
      break;
    if (n != in_bytes) {
      rc = fail("input file ends inside an input", in_path);
      break;
    }
    uint64_t t0 = ticks_now();
    int status = MODEL_FN(_invoke)();
    uint64_t t1 = ticks_now();
    if (status != 0) {
      rc = fail("invoke failed", in_path);
      break;
    }
    if (io_write(out, MODEL_FN(_output)(), out_bytes) != out_bytes) {
      rc = fail("short write", out_path);
      break;
    }
    uint64_t t = t1 - t0;
    total += t;
    lo = count == 0 || t < lo ? t : lo;
    hi = t > hi ? t : hi;
    ++count;
  }
  io_close(in);
  io_close(out);
  if (rc)
    return rc;
  io_print("dnp: batch ");
  print_u64(count);
  io_print(" inferences");
#ifndef DNP_HOST
  io_print(" instructions total ");
  print_u64(total * DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN);
  io_print(" min ");
  print_u64(lo * DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN);
  io_print(" max ");
  print_u64(hi * DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN);
#else
  (void)total;
  (void)lo;
  (void)hi;
#endif
  io_print("\n");
  return 0;
}

/*--------------------------------------------------------------------------
 * main
 *------------------------------------------------------------------------*/
#define MAX_ARGS 64

#ifdef DNP_HOST
int main(int argc, char **argv) {
#else
static char cmdline[1024];
static char *args[MAX_ARGS];
int main(void) {
  uintptr_t block[2] = {(uintptr_t)cmdline, sizeof cmdline - 1};
  int argc = 0;
  char **argv = args;
  if (semihost(SYS_GET_CMDLINE, block) == 0) {
    cmdline[block[1]] = 0;
    for (char *p = cmdline; *p && argc < MAX_ARGS;) {
      while (*p == ' ')
        *p++ = 0;
      if (!*p)
        break;
      args[argc++] = p;
      while (*p && *p != ' ')
        ++p;
    }
  }
#endif
  int first = 1;
  uint32_t runs = 1;
#ifndef DNP_HOST
  if (argc == 2 && strcmp(argv[1], "--calibrate") == 0)
    return calibrate();
#endif
  if (argc == 4 && strcmp(argv[1], "--batch") == 0)
    return run_batch(argv[2], argv[3]);
  if (argc >= 3 && strcmp(argv[1], "--runs") == 0) {
    runs = 0;
    for (const char *p = argv[2]; *p >= '0' && *p <= '9'; ++p)
      runs = runs * 10 + (uint32_t)(*p - '0');
    first = 3;
  }
  if (argc - first < 2 || (argc - first) % 2 != 0 || runs == 0) {
    io_print("usage: fw [--runs N] IN OUT [IN OUT ...] | fw --batch IN OUT | "
             "fw --calibrate\n");
    return 2;
  }

  static const long out_shape[] = {
#if OUT_RANK >= 1
      MODEL_MACRO(_OUTPUT_DIM0),
#endif
#if OUT_RANK >= 2
      MODEL_MACRO(_OUTPUT_DIM1),
#endif
#if OUT_RANK >= 3
      MODEL_MACRO(_OUTPUT_DIM2),
#endif
#if OUT_RANK >= 4
      MODEL_MACRO(_OUTPUT_DIM3),
#endif
  };

  ticks_start();
  for (int i = first; i + 1 < argc; i += 2) {
    if (read_input(argv[i], MODEL_FN(_input)(), IN_ELEMENTS))
      return 1;
    uint64_t best = 0;
    for (uint32_t r = 0; r < runs; ++r) {
      /* The input is consumed in place only when the plan says so; reload
       * it for repeated runs. */
      if (r && read_input(argv[i], MODEL_FN(_input)(), IN_ELEMENTS))
        return 1;
      uint64_t t0 = ticks_now();
      int rc = MODEL_FN(_invoke)();
      uint64_t t1 = ticks_now();
      if (rc != 0)
        return fail("invoke failed", argv[i]);
      if (r == 0 || t1 - t0 < best)
        best = t1 - t0;
    }
    if (write_output(argv[i + 1], MODEL_FN(_output)(), OUT_ELEMENTS,
                     out_shape, OUT_RANK))
      return 1;
    io_print("dnp: ");
    io_print(argv[i]);
    io_print(" -> ");
    io_print(argv[i + 1]);
#ifndef DNP_HOST
    io_print(" ticks ");
    print_u64(best);
    io_print(" instructions ");
    print_u64(best * DNP_RT_TICK_NS_NUM / DNP_RT_TICK_NS_DEN);
#endif
    io_print("\n");
  }
  return 0;
}

#ifndef DNP_HOST
void dnp_rt_fault(const char *what, uint32_t cfsr, uint32_t hfsr)
    __attribute__((noreturn));
void dnp_rt_fault(const char *what, uint32_t cfsr, uint32_t hfsr) {
  io_print("dnp: ");
  io_print(what);
  io_print(" (CFSR ");
  print_u64(cfsr);
  io_print(", HFSR ");
  print_u64(hfsr);
  io_print(")\n");
  io_exit(3);
  for (;;) {
  }
}
#endif
