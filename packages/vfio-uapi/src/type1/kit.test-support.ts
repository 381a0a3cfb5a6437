/** Shared setup for the type1 tests: the fact sheet's §7 machine (group 26, 0000:06:0d.0, VT-d AW 48). */
import { expect } from 'vitest';
import type { Errno, VfioResult } from './errno.js';
import { VFIO_PROFILES } from './profile.js';
import type { VfioKernel } from './profile.js';
import { SimpleVfioBackend } from './simple-backend.js';
import type { SimpleBackendOptions, SimpleGroupSpec } from './simple-backend.js';
import { Vfio } from './vfio.js';
import type { VfioOptions } from './vfio.js';
import type { VfioContainer } from './container.js';
import type { VfioGroup } from './group.js';

export const G26: SimpleGroupSpec = { id: 26, devices: ['0000:06:0d.0'] };
export const G27: SimpleGroupSpec = { id: 27, devices: ['0000:07:00.0'] };
export const READ = 1;
export const WRITE = 2;
export const VADDR = 4;
export const RW = READ | WRITE;
export const K = 1024n;
export const M = 1024n * 1024n;

export interface Kit {
  readonly backend: SimpleVfioBackend;
  readonly vfio: Vfio;
}

export function kit(
  kernel: VfioKernel = '6.19',
  options: Omit<VfioOptions, 'profile'> = {},
  backend: Partial<SimpleBackendOptions> = {},
): Kit {
  const b = new SimpleVfioBackend({ groups: [G26, G27], memlockLimit: 1n << 40n, ...backend });
  return { backend: b, vfio: new Vfio(b, { profile: VFIO_PROFILES[kernel], ...options }) };
}

export function ok<T>(r: VfioResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.errno}: ${r.message}`);
  return r.value;
}

export function expectErrno(r: VfioResult<unknown>, e: Errno): void {
  expect(r.ok ? 'ok' : r.errno).toBe(e);
}

/** open container and group 26, SET_CONTAINER, SET_IOMMU(type). */
export function ready(k: Kit, type = 3, groupId = 26): { c: VfioContainer; g: VfioGroup } {
  const c = k.vfio.openContainer();
  const g = ok(k.vfio.openGroup(groupId));
  ok(g.setContainer(c));
  ok(c.setIommu(type));
  return { c, g };
}
