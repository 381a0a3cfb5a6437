import { DMA_MAPPING_ERROR, type DmaDirection } from '@dmasim/dma-api';
import { device, num, word, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';

function dir(v: ExecContext['args'][string]): DmaDirection {
  return word(v, 'direction') as DmaDirection;
}

export function mapSingle(ctx: ExecContext): OpResult {
  const dev = device(ctx.m, ctx.args.dev);
  const d = ctx.m.dmaDevice(dev);
  const r = ctx.m.dma.mapSingle(d, num(ctx.args.buf, 'buf'), num(ctx.args.size, 'size'), dir(ctx.args.dir));
  if (!r.ok || r.dma === DMA_MAPPING_ERROR) return { kind: 'error', errno: 'DMA_MAPPING_ERROR', why: [`${r.path}:`, ...r.why] };
  return { kind: 'ok', value: r.dma, why: [`${r.path}: ${r.why.join('; ')}`] };
}

export function unmapSingle(ctx: ExecContext): OpResult {
  const dev = device(ctx.m, ctx.args.dev);
  const r = ctx.m.dma.unmapSingle(ctx.m.dmaDevice(dev), num(ctx.args.dma, 'dma'), num(ctx.args.size, 'size'));
  return { kind: 'ok', why: r.why };
}

export function setMask(ctx: ExecContext): OpResult {
  const dev = device(ctx.m, ctx.args.dev);
  const bits = Number(num(ctx.args.bits, 'bits'));
  if (bits < 1 || bits > 64) return { kind: 'error', errno: 'EIO', why: [`DMA_BIT_MASK(${bits}) is not a mask`] };
  const mask = bits === 64 ? (1n << 64n) - 1n : (1n << BigInt(bits)) - 1n;
  const e = ctx.m.dma.setMask(ctx.m.dmaDevice(dev), mask, 'both');
  return e ? { kind: 'error', errno: e } : { kind: 'ok' };
}
