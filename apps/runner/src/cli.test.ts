import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { Engine, EngineLoader } from './engine-port.js';
import { ExitCode } from './exit-codes.js';
import {
  diagnostic,
  fakeEngine,
  failure,
  loc,
  memoryIo,
  result,
  span,
} from './testing/fake-engine.js';
import type { MemoryIo, Script } from './testing/fake-engine.js';
import { tempTree } from './testing/temp-dir.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const source = (title: string): string =>
  `scenario "${title}"\nstep "s" {\n  dma.map_single 00:02.0 buf 4K to-device => ok\n}\n`;

/** A temp checkout with scenarios/{a,b,c}.dma, and the CLI run in it against a scripted engine. */
async function cli(
  argv: string[],
  script: Script = {},
  opts: {
    files?: Record<string, string>;
    io?: Partial<MemoryIo>;
    engine?: Engine | EngineLoader;
  } = {},
) {
  const t = tempTree(
    opts.files ?? {
      'scenarios/a.dma': source('a'),
      'scenarios/b.dma': source('b'),
      'scenarios/sub/c.dma': source('c'),
    },
  );
  cleanups.push(t.cleanup);
  const engine = opts.engine ?? fakeEngine(script);
  const loader: EngineLoader =
    typeof engine === 'function' ? engine : () => Promise.resolve(engine);
  const io = memoryIo(t.root, opts.io);
  const code = await runCli(argv, io, loader);
  return { code, out: io.out(), err: io.err(), engine };
}

const pass = (uri: string, title: string) => [result(uri, { title, durationMs: 3 })];

describe('dmasim run: exit codes', () => {
  it('0 when every scenario passed (xfail counts as passed)', async () => {
    const r = await cli(['run'], {
      'scenarios/a.dma': pass('scenarios/a.dma', 'a'),
      'scenarios/b.dma': [
        result('scenarios/b.dma', {
          title: 'b',
          status: 'xfail',
          xfailReason: 'not modelled',
          durationMs: 1,
        }),
      ],
      'scenarios/sub/c.dma': pass('scenarios/sub/c.dma', 'c'),
    });
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toBe(
      [
        'PASS scenarios/a.dma — a (3 ms)',
        'XFAIL scenarios/b.dma — b (1 ms; xfail: not modelled)',
        'PASS scenarios/sub/c.dma — c (3 ms)',
        '3 passed, 0 failed',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('');
  });

  it('1 when one failed, and the failure is rendered with its code frame and expected/actual', async () => {
    const r = await cli(['run', 'scenarios/a.dma'], {
      'scenarios/a.dma': [
        result('scenarios/a.dma', {
          title: 'a',
          status: 'fail',
          durationMs: 4,
          failures: [
            failure({
              message: 'outcome of dma.map_single',
              loc: loc(3, 43, 45),
              expected: 'ok',
              actual: 'error ENOMEM',
              why: ['the 32-bit IOVA space is full'],
            }),
          ],
        }),
      ],
    });
    expect(r.code).toBe(ExitCode.TestsFailed);
    expect(r.out).toBe(
      [
        'FAIL scenarios/a.dma — a (4 ms)',
        'scenarios/a.dma:3:43: expectation failed: outcome of dma.map_single',
        '> 3 |   dma.map_single 00:02.0 buf 4K to-device => ok',
        '    |                                           ^^',
        '  expected: ok',
        '  actual:   error ENOMEM',
        '  why: the 32-bit IOVA space is full',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('1 for XPASS and for a file that does not parse, which does not stop the other files', async () => {
    const r = await cli(['run'], {
      'scenarios/a.dma': [
        result('scenarios/a.dma', {
          status: 'error',
          diagnostics: [diagnostic('DMA102', 'expected an outcome after `=>`', loc(3, 43))],
        }),
      ],
      'scenarios/b.dma': [result('scenarios/b.dma', { title: 'b', status: 'xpass' })],
      'scenarios/sub/c.dma': pass('scenarios/sub/c.dma', 'c'),
    });
    expect(r.code).toBe(ExitCode.TestsFailed);
    expect(r.out.split('\n')).toEqual([
      'ERROR scenarios/a.dma (3 ms)',
      'scenarios/a.dma:3:43: error[DMA102]: expected an outcome after `=>`',
      'XPASS scenarios/b.dma — b (3 ms)',
      'scenarios/b.dma: unexpectedly passed: marked xfail but every expectation held; if the bug is fixed, remove the xfail line',
      'PASS scenarios/sub/c.dma — c (3 ms)',
      '1 passed, 2 failed',
      '',
    ]);
  });

  it('0 with skips, and the summary says how many', async () => {
    const r = await cli(['run'], {
      'scenarios/a.dma': [
        result('scenarios/a.dma', { status: 'skip', skipReason: 'requires iommu=amd-vi' }),
      ],
    });
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('SKIP scenarios/a.dma (skipped: requires iommu=amd-vi)\n');
    expect(r.out.endsWith('2 passed, 0 failed, 1 skipped\n')).toBe(true);
  });

  it('4 for an unknown flag, with a did-you-mean, before loading the engine', async () => {
    let loaded = false;
    const r = await cli(
      ['run', '--shrad', '1/2'],
      {},
      {
        engine: () => {
          loaded = true;
          return Promise.resolve(fakeEngine({}));
        },
      },
    );
    expect(r.code).toBe(ExitCode.UsageError);
    expect(r.err).toBe(
      'dmasim: error: unknown option --shrad for `dmasim run`\n  hint: did you mean --shard?\nRun `dmasim run --help` for usage.\n',
    );
    expect(r.out).toBe('');
    expect(loaded).toBe(false);
  });

  it('4 for a missing path, naming it', async () => {
    const r = await cli(['run', 'scenarios/a.dma', 'scenarios/nope.dma']);
    expect(r.code).toBe(ExitCode.UsageError);
    expect(r.err).toContain('dmasim: error: path not found: scenarios/nope.dma\n');
    expect(r.out).toBe('');
  });

  it('4 when no .dma file is found, naming where it looked', async () => {
    const r = await cli(['run'], {}, { files: { 'scenarios/README.md': '' } });
    expect(r.code).toBe(ExitCode.UsageError);
    expect(r.err).toContain('dmasim: error: no .dma files found under scenarios\n');
  });

  it('4 when the filter matches nothing; the summary line is still last', async () => {
    const r = await cli(['run', '-t', 'zzz']);
    expect(r.code).toBe(ExitCode.UsageError);
    expect(r.err).toContain('no scenario matched --filter zzz');
    expect(r.out).toBe('0 passed, 0 failed\n');
  });

  it('3 when the engine throws: one clear line, no stack, the other results kept', async () => {
    const boom = new TypeError('cannot read properties of undefined');
    const r = await cli(['run'], {
      'scenarios/a.dma': pass('scenarios/a.dma', 'a'),
      'scenarios/b.dma': boom,
    });
    expect(r.code).toBe(ExitCode.InternalError);
    expect(r.err).toBe(
      'dmasim: internal error while running scenarios/b.dma: TypeError: cannot read properties of undefined — this is a bug in dmasim, not in your scenario; please report it with the .dma file attached (set DMASIM_DEBUG=1 to print the stack trace)\n',
    );
    expect(r.out).toBe('PASS scenarios/a.dma — a (3 ms)\n1 passed, 0 failed\n');
  });

  it('3 with the stack trace when DMASIM_DEBUG=1', async () => {
    const r = await cli(
      ['run'],
      { 'scenarios/a.dma': new Error('boom') },
      { io: { env: { DMASIM_DEBUG: '1' } } },
    );
    expect(r.code).toBe(ExitCode.InternalError);
    expect(r.err).toMatch(
      /^dmasim: internal error while running scenarios\/a.dma: Error: boom — this is a bug in dmasim, not in your scenario; please report it with the .dma file attached\nError: boom\n\s+at /,
    );
  });

  it('3 when the engine cannot be loaded', async () => {
    const r = await cli(
      ['run'],
      {},
      {
        engine: () =>
          Promise.reject(
            new Error('@dmasim/scenario-engine does not export a function `runScenario`'),
          ),
      },
    );
    expect(r.code).toBe(ExitCode.InternalError);
    expect(r.err).toContain(
      'internal error while loading the scenario engine: Error: @dmasim/scenario-engine does not export a function `runScenario`',
    );
  });

  it('2 when interrupted: stops before the next file and summarises what ran', async () => {
    const ac = new AbortController();
    const engine = fakeEngine({});
    const interrupting: Engine = {
      ...engine,
      runScenario: (s, uri, o) => {
        if (uri === 'scenarios/b.dma') ac.abort();
        return engine.runScenario(s, uri, o);
      },
    };
    const r = await cli(['run'], {}, { engine: interrupting, io: { signal: ac.signal } });
    expect(r.code).toBe(ExitCode.Interrupted);
    expect(r.out).toBe(
      'PASS scenarios/a.dma (3 ms)\nPASS scenarios/b.dma (3 ms)\n2 passed, 0 failed\n',
    );
    expect(r.err).toBe('dmasim: interrupted after 2 of 3 files\n');
  });

  it('0 for --help and --version, without loading the engine', async () => {
    const engine = () => Promise.reject(new Error('must not load'));
    const help = await cli(['--help'], {}, { engine });
    expect(help.code).toBe(ExitCode.Ok);
    expect(help.out).toMatch(/^dmasim — run \.dma scenarios/);
    const runHelp = await cli(['run', '--help'], {}, { engine });
    expect(runHelp.out).toContain('  -t, --filter <regex>');
    const version = await cli(['--version'], {}, { engine });
    expect(version.out).toMatch(/^dmasim \d+\.\d+\.\d+\n$/);
  });
});

describe('dmasim run: selection', () => {
  it('passes --variant to the engine and filters by label with -t', async () => {
    const script: Script = {
      'scenarios/a.dma': [
        result('scenarios/a.dma', { title: 'map', variant: 'strict' }),
        result('scenarios/a.dma', { title: 'map', variant: 'lazy' }),
      ],
    };
    const r = await cli(['run', '--variant', 'lazy', 'scenarios/a.dma'], script);
    expect(r.out).toBe('PASS scenarios/a.dma [lazy] — map (3 ms)\n1 passed, 0 failed\n');
    const f = await cli(['run', '-t', '\\[strict\\] — map$', 'scenarios/a.dma'], script);
    expect(f.out).toBe('PASS scenarios/a.dma [strict] — map (3 ms)\n1 passed, 0 failed\n');
  });

  it('--bail stops after the first failure', async () => {
    const r = await cli(['run', '--bail'], {
      'scenarios/a.dma': [result('scenarios/a.dma', { status: 'fail' })],
    });
    expect(r.code).toBe(ExitCode.TestsFailed);
    expect(r.out).toBe('FAIL scenarios/a.dma (3 ms)\n0 passed, 1 failed\n');
    expect(r.err).toBe('dmasim: --bail: stopped after the first failure; 2 files not run\n');
  });

  it('--shard runs a deterministic slice of the sorted files', async () => {
    const one = await cli([
      'run',
      '--shard',
      '1/2',
      'scenarios/sub',
      'scenarios/b.dma',
      'scenarios/a.dma',
    ]);
    const two = await cli([
      'run',
      '--shard',
      '2/2',
      'scenarios/a.dma',
      'scenarios/b.dma',
      'scenarios/sub',
    ]);
    // sorted: scenarios/a.dma, scenarios/b.dma, scenarios/sub/c.dma → shard 1 takes floor(3/2)=1 file
    expect((one.engine as ReturnType<typeof fakeEngine>).calls).toEqual(['scenarios/a.dma']);
    expect((two.engine as ReturnType<typeof fakeEngine>).calls).toEqual([
      'scenarios/b.dma',
      'scenarios/sub/c.dma',
    ]);
  });

  it('file.dma:LINE reports the step containing LINE', async () => {
    const script: Script = {
      'scenarios/a.dma': [
        result('scenarios/a.dma', {
          title: 'a',
          status: 'fail',
          steps: [
            { title: 'setup', loc: span(2, 4), status: 'pass' },
            { title: 'map', loc: span(5, 8), status: 'fail' },
          ],
          failures: [failure({ message: 'outcome of dma.map_single', loc: loc(6, 3) })],
        }),
      ],
    };
    const first = await cli(['run', 'scenarios/a.dma:3'], script);
    expect(first.code).toBe(ExitCode.Ok);
    expect(first.out).toBe('PASS scenarios/a.dma:3 — a > setup (3 ms)\n1 passed, 0 failed\n');
    const second = await cli(['run', 'scenarios/a.dma:6'], script);
    expect(second.code).toBe(ExitCode.TestsFailed);
    expect(second.out.split('\n')[0]).toBe('FAIL scenarios/a.dma:6 — a > map (3 ms)');
  });

  it('colours on a terminal only, and never with NO_COLOR, CI or --no-color', async () => {
    const script: Script = { 'scenarios/a.dma': pass('scenarios/a.dma', 'a') };
    const files = { 'scenarios/a.dma': source('a') };
    const tty = await cli(['run'], script, { files, io: { isTTY: true } });
    expect(tty.out).toContain('\u001b[32mPASS\u001b[39m');
    for (const io of [
      { isTTY: true, env: { NO_COLOR: '1' } },
      { isTTY: true, env: { CI: 'true' } },
      { isTTY: false },
    ]) {
      const r = await cli(['run'], script, { files, io });
      expect(r.out, JSON.stringify(io)).toBe(
        'PASS scenarios/a.dma — a (3 ms)\n1 passed, 0 failed\n',
      );
    }
    const flag = await cli(['run', '--no-color'], script, { files, io: { isTTY: true } });
    expect(flag.out).not.toContain('\u001b[');
  });

  it('machine-readable reporters never colour', async () => {
    const r = await cli(['run', '--reporter', 'tap'], {}, { io: { isTTY: true } });
    expect(r.out).not.toContain('\u001b[');
    expect(r.out.startsWith('TAP version 14\n')).toBe(true);
  });
});

describe('dmasim list', () => {
  it('prints each file with its title and variants', async () => {
    const engine = fakeEngine(
      {},
      {
        readHeader: (src) => {
          const title = /scenario "([^"]*)"/.exec(src)?.[1];
          return title === 'b'
            ? { title, variants: ['strict', 'lazy'] }
            : title === undefined
              ? { variants: [] }
              : { title, variants: [] };
        },
      },
    );
    const r = await cli(['list'], {}, { engine });
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toBe(
      'scenarios/a.dma — a\nscenarios/b.dma — b (variants: strict, lazy)\nscenarios/sub/c.dma — c\n',
    );
    const filtered = await cli(['list', '--variant', 'lazy'], {}, { engine });
    expect(filtered.out).toBe('scenarios/b.dma — b (variants: strict, lazy)\n');
    expect(engine.calls).toEqual([]);
  });

  it('prints paths only when no parser is available', async () => {
    const r = await cli(['list', 'scenarios/sub'], {});
    expect(r.out).toBe('scenarios/sub/c.dma\n');
  });
});

describe('dmasim explain', () => {
  it('prints the title and explanation of a code, case-insensitively', async () => {
    const r = await cli(['explain', 'dma102']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toBe(
      'DMA102: missing outcome after `=>`\n\nAn arrow must be followed by an outcome.\nWrite `=> ok`.\n',
    );
  });

  it('4 for an unknown code, with a did-you-mean', async () => {
    const r = await cli(['explain', 'DMA202']);
    expect(r.code).toBe(ExitCode.UsageError);
    expect(r.err).toBe(
      "dmasim: error: unknown diagnostic code 'DMA202'\n  hint: did you mean DMA201?\nRun `dmasim explain --help` for usage.\n",
    );
    const proto = await cli(['explain', 'constructor']);
    expect(proto.code).toBe(ExitCode.UsageError);
  });
});
