import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import type { ArgsResult, Invocation } from './args.js';
import type { UsageError } from './usage-error.js';

function ok(r: ArgsResult): Invocation {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
function err(r: ArgsResult): UsageError {
  if (r.ok) throw new Error('expected a usage error');
  return r.error;
}

describe('parseArgs', () => {
  it('defaults `run` to the scenarios folder and the default reporter', () => {
    expect(ok(parseArgs(['run']))).toEqual({
      command: 'run',
      paths: ['scenarios'],
      defaultPaths: true,
      flags: { reporter: 'default', bail: false, noColor: false },
    });
  });

  it('takes options before, between and after paths, in both --opt=v and --opt v forms', () => {
    const inv = ok(
      parseArgs([
        'run',
        '--reporter=tap',
        'a.dma',
        '-t',
        'boot',
        'b/',
        '--shard',
        '2/3',
        '--bail',
        '--no-color',
        '--variant',
        'lazy',
      ]),
    );
    expect(inv.command).toBe('run');
    if (inv.command !== 'run') return;
    expect(inv.paths).toEqual(['a.dma', 'b/']);
    expect(inv.defaultPaths).toBe(false);
    expect(inv.flags.reporter).toBe('tap');
    expect(inv.flags.filter?.source).toBe('boot');
    expect(inv.flags.shard).toEqual({ index: 2, count: 3 });
    expect(inv.flags.bail).toBe(true);
    expect(inv.flags.noColor).toBe(true);
    expect(inv.flags.variant).toBe('lazy');
  });

  it('treats everything after -- as a path', () => {
    const inv = ok(parseArgs(['run', '--', '--weird.dma', '-t']));
    expect(inv.command === 'run' && inv.paths).toEqual(['--weird.dma', '-t']);
  });

  it('answers --help and --version before anything else', () => {
    expect(ok(parseArgs(['--help']))).toEqual({ command: 'help' });
    expect(ok(parseArgs(['run', '-h']))).toEqual({ command: 'help', topic: 'run' });
    expect(ok(parseArgs(['explain', '--help']))).toEqual({ command: 'help', topic: 'explain' });
    expect(ok(parseArgs(['--version']))).toEqual({ command: 'version' });
  });

  it('parses explain with exactly one code', () => {
    const inv = ok(parseArgs(['explain', 'dma201']));
    expect(inv.command === 'explain' && inv.code).toBe('dma201');
    expect(err(parseArgs(['explain'])).code).toBe('missing-operand');
    expect(err(parseArgs(['explain', 'DMA1', 'DMA2'])).code).toBe('extra-operand');
  });

  it('rejects an unknown flag with a did-you-mean', () => {
    const e = err(parseArgs(['run', '--bial']));
    expect(e.code).toBe('unknown-option');
    expect(e.message).toBe('unknown option --bial for `dmasim run`');
    expect(e.hint).toBe('did you mean --bail?');
    expect(err(parseArgs(['run', '-bail'])).hint).toBe('did you mean --bail?');
    expect(err(parseArgs(['run', '--reporterr', 'dot'])).hint).toBe('did you mean --reporter?');
    expect(err(parseArgs(['run', '--zzzzzz'])).hint).toBeUndefined();
  });

  it('rejects an unknown or missing command', () => {
    const e = err(parseArgs(['rn']));
    expect(e.code).toBe('unknown-command');
    expect(e.hint).toBe('did you mean `dmasim run`?');
    expect(err(parseArgs([])).code).toBe('missing-command');
    expect(err(parseArgs(['--bail'])).code).toBe('missing-command');
  });

  it('rejects options that belong to another command', () => {
    const e = err(parseArgs(['list', '--reporter', 'tap']));
    expect(e.code).toBe('option-not-for-command');
    expect(e.message).toBe('option --reporter is not an option of `dmasim list`');
    expect(err(parseArgs(['explain', 'DMA201', '--bail'])).code).toBe('option-not-for-command');
  });

  it('rejects missing, unexpected, repeated and invalid values', () => {
    expect(err(parseArgs(['run', '--reporter'])).code).toBe('missing-value');
    const dash = err(parseArgs(['run', '-t', '--bail']));
    expect(dash.code).toBe('missing-value');
    expect(dash.hint).toBe("to pass a value that starts with '-', write --filter=--bail");
    expect(ok(parseArgs(['run', '--filter=--bail'])).command).toBe('run');
    expect(err(parseArgs(['run', '--bail=yes'])).code).toBe('unexpected-value');
    expect(err(parseArgs(['run', '-t', 'a', '--filter', 'b'])).code).toBe('duplicate-option');
    const rep = err(parseArgs(['run', '--reporter', 'junt']));
    expect(rep.code).toBe('invalid-value');
    expect(rep.hint).toBe('did you mean --reporter junit?');
    expect(err(parseArgs(['run', '-t', '(unclosed'])).code).toBe('invalid-value');
    expect(err(parseArgs(['run', '--variant', ' '])).code).toBe('invalid-value');
  });

  it('validates --shard i/n', () => {
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2']) {
      const r = parseArgs(['run', `--shard=${bad}`]);
      expect(r.ok, bad).toBe(false);
    }
    const inv = ok(parseArgs(['run', '--shard', '3/3']));
    expect(inv.command === 'run' && inv.flags.shard).toEqual({ index: 3, count: 3 });
  });
});
