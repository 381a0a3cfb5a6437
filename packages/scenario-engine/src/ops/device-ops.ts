import { deviceDma } from '@dmasim/machine';
import { device, num, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import { ScenarioError } from '../values.js';

/** `device BDF read|write ADDR LEN [fill=BYTE]`: a DMA the device initiates. */
export function deviceAccess(ctx: ExecContext): OpResult {
  const dev = device(ctx.m, ctx.args.dev);
  const access = ctx.args.access === 'write' ? 'write' : 'read';
  const addr = num(ctx.args.addr, 'addr');
  const len = Number(num(ctx.args.len, 'len'));
  if (len <= 0 || len > 1 << 20) throw new ScenarioError('a device DMA moves 1 byte to 1M at a time');
  const fill = ctx.args.fill === undefined ? 0x5a : Number(num(ctx.args.fill, 'fill') & 0xffn);
  const r = deviceDma(ctx.m, dev, access, addr, len, fill);
  if (r.ok) return access === 'read' ? { kind: 'bytes', bytes: r.bytes, why: r.why } : { kind: 'ok', why: r.why };
  if (r.kind === 'fault') return { kind: 'fault', reason: r.fault.reason, addr: r.fault.addr, write: r.fault.write, why: r.why };
  return { kind: 'error', errno: 'UR', why: r.why };
}
