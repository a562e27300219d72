/**
 * The sandbox's seccomp filter (src/engine/exec/seccomp.ts): what it decides for each system
 * call, on both supported architectures (evaluated by a tiny classic-BPF interpreter, so the
 * aarch64 program is checked on x86_64 too), and that nothing runs without it.
 */
import { execFile } from 'node:child_process';
import { BLOCKED_SYSCALLS, seccompFilter } from '../../../src/engine/exec/seccomp';
import { WORKER_SCRIPT } from '../../../src/engine/exec';

const ALLOW = 0x7fff0000;
const EPERM = 0x00050000 | 1;

/** Runs the filter on one seccomp_data {nr, arch}; returns the seccomp action. */
function evaluate(prog: Buffer, nr: number, arch: number): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  let acc = 0;
  for (let pc = 0, steps = 0; pc * 8 < prog.length && steps < 1000; steps++) {
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    pc++;
    if (code === 0x20) acc = data.readUInt32LE(k);
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error('fell off the end of the filter');
}

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const AARCH64 = 0xc00000b7;
const ARM = 0x40000028;

describe('seccomp filter', () => {
  test('x86_64: keyring calls (and io_uring, bpf, ...) fail with EPERM; everything else is allowed', () => {
    const f = seccompFilter('x64');
    for (const nr of [248, 249, 250, 425, 426, 427, 321, 298, 323]) expect(evaluate(f, nr, X86_64)).toBe(EPERM);
    for (const nr of [0, 1, 2, 9, 56, 57, 59, 60, 231, 247, 251, 424, 435]) expect(evaluate(f, nr, X86_64)).toBe(ALLOW);
    expect(evaluate(f, 0x40000000 + 248, X86_64)).toBe(EPERM); // x32 add_key
    expect(evaluate(f, 0x40000000 + 1, X86_64)).toBe(EPERM); // any x32 call
    expect(evaluate(f, 286, I386)).toBe(EPERM); // i386 add_key through int 0x80
  });

  test('aarch64: the same calls under the generic numbering', () => {
    const f = seccompFilter('arm64');
    for (const nr of [217, 218, 219, 425, 426, 427, 280, 241, 282]) expect(evaluate(f, nr, AARCH64)).toBe(EPERM);
    for (const nr of [56, 57, 63, 64, 93, 220, 221, 222, 216]) expect(evaluate(f, nr, AARCH64)).toBe(ALLOW);
    expect(evaluate(f, 3, ARM)).toBe(EPERM); // 32-bit compat ABI
  });

  test('blocks exactly the documented list', () => {
    expect([...BLOCKED_SYSCALLS].sort()).toEqual([
      'add_key',
      'bpf',
      'io_uring_enter',
      'io_uring_register',
      'io_uring_setup',
      'keyctl',
      'perf_event_open',
      'request_key',
      'userfaultfd',
    ]);
  });

  test('an unsupported architecture gets no filter (and therefore no sandbox)', () => {
    expect(() => seccompFilter('riscv64')).toThrow(/no seccomp filter for architecture riscv64/);
  });

  test('the worker refuses to serve where the filter is not installed', async () => {
    // worker.py started directly (no bwrap, no filter): it must exit before running anything.
    const r = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const p = execFile('/usr/bin/python3', ['-I', '-B', WORKER_SCRIPT, '{}'], { env: {}, timeout: 20000 }, (err, stdout, stderr) =>
        resolve({ code: p.exitCode, stdout, stderr }),
      );
      p.stdin?.end();
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(''); // never said ready
    expect(r.stderr).toMatch(/refusing to run: seccomp filter not active/);
  });
});

describe('the pool fails closed without a filter', () => {
  afterEach(() => jest.restoreAllMocks());

  test('run() rejects with "sandbox unavailable" when the filter cannot be built', async () => {
    const seccomp = await import('../../../src/engine/exec/seccomp');
    jest.spyOn(seccomp, 'seccompFilter').mockImplementation(() => {
      throw new Error('no seccomp filter for architecture mips');
    });
    const { createExecutorPool, checkSandbox } = await import('../../../src/engine/exec');
    const p = createExecutorPool({ workers: 1 });
    try {
      await expect(p.run('print(1)')).rejects.toThrow(
        /^sandbox unavailable: cannot build the seccomp filter: no seccomp filter for architecture mips/,
      );
      expect(p.stats.workerStarts).toBe(1);
    } finally {
      await p.close();
    }
    expect(await checkSandbox()).toMatchObject({ ok: false, reason: expect.stringMatching(/seccomp filter/) });
  });
});
