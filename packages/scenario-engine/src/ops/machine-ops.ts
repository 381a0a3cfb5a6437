import { bufferPhys } from '@dmasim/machine';
import { PhysMemError } from '@dmasim/physmem';
import { num, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import { ScenarioError, isBuffer } from '../values.js';

export function kmalloc(ctx: ExecContext): OpResult {
  const size = num(ctx.args.size, 'size');
  if (size <= 0n) throw new ScenarioError('kmalloc of 0 bytes returns ZERO_SIZE_PTR: give a size > 0');
  try {
    const at = ctx.args.at;
    const buf = at === undefined ? ctx.m.buffers.kmalloc(size) : ctx.m.buffers.kmallocAt(size, num(at, 'at'));
    return { kind: 'ok', value: { kind: 'buffer', buf, offset: 0n }, why: [`kernel buffer at phys 0x${buf.phys.toString(16)}`] };
  } catch (e) {
    if (e instanceof PhysMemError) return { kind: 'error', errno: 'ENOMEM', why: [e.message] };
    throw e;
  }
}

export function userMmap(ctx: ExecContext): OpResult {
  const size = num(ctx.args.size, 'size');
  if (size <= 0n || size % 4096n !== 0n) throw new ScenarioError('user.mmap size must be a positive multiple of 4K');
  try {
    const buf = ctx.m.buffers.userMmap(size);
    const fill = ctx.args.fill;
    if (fill !== undefined) {
      const byte = Number(num(fill, 'fill') & 0xffn);
      for (const p of buf.pages) ctx.m.mem.fill(p, 4096, byte);
    }
    return {
      kind: 'ok',
      value: { kind: 'buffer', buf, offset: 0n },
      why: [`user pages at ${buf.pages.slice(0, 4).map((p) => '0x' + p.toString(16)).join(', ')}${buf.pages.length > 4 ? ', …' : ''}`],
    };
  } catch (e) {
    if (e instanceof PhysMemError) return { kind: 'error', errno: 'ENOMEM', why: [e.message] };
    throw e;
  }
}

export function memFill(ctx: ExecContext): OpResult {
  const v = ctx.args.addr;
  const len = Number(num(ctx.args.len, 'len'));
  const byte = Number(num(ctx.args.value, 'value') & 0xffn);
  if (isBuffer(v)) {
    for (let i = 0; i < len; i++) ctx.m.mem.fill(bufferPhys(v.buf, v.offset + BigInt(i)), 1, byte);
  } else {
    ctx.m.mem.fill(num(v, 'addr'), len, byte);
  }
  return { kind: 'ok' };
}

export function memRead(ctx: ExecContext): OpResult {
  const v = ctx.args.addr;
  const len = Number(num(ctx.args.len, 'len'));
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const pa = isBuffer(v) ? bufferPhys(v.buf, v.offset + BigInt(i)) : num(v, 'addr') + BigInt(i);
    out[i] = ctx.m.mem.read(pa, 1)[0]!;
  }
  return { kind: 'bytes', bytes: out };
}

export function timeAdvance(ctx: ExecContext): OpResult {
  const ms = Number(num(ctx.args.ms, 'ms'));
  const fired = ctx.m.advance(ms);
  return { kind: 'ok', why: fired.length ? fired.map((f) => `timer fired: ${f}`) : ['no timer due'] };
}
