/**
 * The seccomp filter every sandbox runs under (handed to bwrap with `--seccomp FD`).
 *
 * A small hand-assembled classic-BPF program (no libseccomp needed): it allows every system call
 * except the few below, which fail with EPERM, as in container runtimes' default profiles.
 * bwrap's namespaces do not cover them:
 *
 * - `add_key`, `keyctl`, `request_key`: the kernel keyrings are not namespaced by bwrap. A job
 *   could store a key in its uid's user / user-session keyring and the next job on the same
 *   worker (same uid) read it back (`/proc/keys` lists them): cross-job persistence.
 * - `io_uring_setup/enter/register`, `bpf`, `perf_event_open`, `userfaultfd`: large kernel attack
 *   surface, never needed by a math step (Docker's default profile blocks them too).
 *
 * System calls of a foreign ABI (i386 through `int 0x80`, x32) are refused as a whole, so the
 * numbers above cannot be reached under another numbering. Architectures other than x86_64 and
 * aarch64 get no filter: building one throws, and the pool reports the sandbox unavailable
 * instead of running without it.
 */

export const BLOCKED_SYSCALLS = [
  'add_key',
  'keyctl',
  'request_key',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'bpf',
  'perf_event_open',
  'userfaultfd',
] as const;
type Blocked = (typeof BLOCKED_SYSCALLS)[number];

interface ArchSpec {
  /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch. */
  audit: number;
  /** Syscall numbers at or above this are another ABI on the same arch (x32 on x86_64). */
  foreignAbove?: number;
  nr: Record<Blocked, number>;
}

const ARCHES: Record<string, ArchSpec> = {
  x64: {
    audit: 0xc000003e, // AUDIT_ARCH_X86_64
    foreignAbove: 0x40000000, // __X32_SYSCALL_BIT
    nr: {
      add_key: 248,
      request_key: 249,
      keyctl: 250,
      perf_event_open: 298,
      bpf: 321,
      userfaultfd: 323,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
    },
  },
  arm64: {
    audit: 0xc00000b7, // AUDIT_ARCH_AARCH64 (the asm-generic numbering)
    nr: {
      add_key: 217,
      request_key: 218,
      keyctl: 219,
      perf_event_open: 241,
      bpf: 280,
      userfaultfd: 282,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
    },
  },
};

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
const OFF_NR = 0; // offsetof(struct seccomp_data, nr)
const OFF_ARCH = 4; // offsetof(struct seccomp_data, arch)

/** The errno a blocked system call fails with inside the sandbox. */
export const BLOCKED_ERRNO = EPERM;

/** The compiled filter (an array of `struct sock_filter`, 8 bytes each) for `arch` (Node's process.arch). */
export function seccompFilter(arch: string = process.arch): Buffer {
  const spec = ARCHES[arch];
  if (!spec) {
    throw new Error(`no seccomp filter for architecture ${arch} (supported: ${Object.keys(ARCHES).join(', ')})`);
  }
  const prog: [number, number, number, number][] = [];
  const deny = SECCOMP_RET_ERRNO | EPERM;
  // Jump targets are filled in once the length is known: -1 means "to the deny instruction".
  prog.push([LD_W_ABS, 0, 0, OFF_ARCH]);
  prog.push([JEQ_K, 1, 0, spec.audit]);
  prog.push([RET_K, 0, 0, deny]); // another ABI (i386 via int 0x80 on x86_64, arm32 compat)
  prog.push([LD_W_ABS, 0, 0, OFF_NR]);
  if (spec.foreignAbove !== undefined) prog.push([JGE_K, -1, 0, spec.foreignAbove]);
  for (const name of BLOCKED_SYSCALLS) prog.push([JEQ_K, -1, 0, spec.nr[name]]);
  prog.push([RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  const denyAt = prog.length;
  prog.push([RET_K, 0, 0, deny]);
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach(([code, jt, jf, k], i) => {
    const rel = (j: number) => (j === -1 ? denyAt - i - 1 : j);
    const t = rel(jt);
    const f = rel(jf);
    if (t < 0 || t > 255 || f < 0 || f > 255) throw new Error('seccomp filter: jump out of range');
    // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } in host byte order.
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(t, i * 8 + 2);
    buf.writeUInt8(f, i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}
