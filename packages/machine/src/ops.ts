import { defineOps, defineQueries } from '@dmasim/op-spec';

/** Scenario operations the machine itself offers: memory, buffers and time. */
export const machineOps = defineOps([
  {
    name: 'kmalloc',
    summary: 'Allocate a physically contiguous kernel buffer; binds the buffer',
    args: [
      { name: 'size', kind: 'size' },
      { name: 'at', kind: 'u64', named: true, optional: true, doc: 'place it at this physical address' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['ENOMEM'],
    binds: 'a kernel buffer (use phys(buf), buf + offset)',
    source: 'mm/slub.c __kmalloc (deterministic placement: objects carved in order, no freelist randomisation)',
  },
  {
    name: 'user.mmap',
    summary: 'mmap anonymous memory in a user process and fault it in; binds the buffer',
    args: [
      { name: 'size', kind: 'size' },
      { name: 'fill', kind: 'u64', named: true, optional: true, doc: 'byte to fill every page with' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['ENOMEM'],
    binds: 'a user buffer (va(buf) is its virtual address; pages are physically scattered)',
    source: 'mm/mmap.c do_mmap; mm/memory.c handle_mm_fault',
  },
  {
    name: 'mem.fill',
    summary: 'CPU writes a byte value over a range (buffer or physical address)',
    args: [
      { name: 'addr', kind: 'expr' },
      { name: 'len', kind: 'size' },
      { name: 'value', kind: 'u64' },
    ],
    outcomes: ['ok'],
    source: 'CPU stores (no kernel function)',
  },
  {
    name: 'mem.read',
    summary: 'CPU reads bytes (buffer or physical address)',
    args: [
      { name: 'addr', kind: 'expr' },
      { name: 'len', kind: 'size' },
    ],
    outcomes: ['bytes', 'ok'],
    source: 'CPU loads (no kernel function)',
  },
  {
    name: 'time.advance',
    summary: 'Advance the simulated clock, running due timers (flush-queue timeouts, IOVA depot trims)',
    args: [{ name: 'ms', kind: 'u64', named: true, doc: 'milliseconds' }],
    outcomes: ['ok'],
    source: 'kernel/time/timer.c (timer wheel, jiffies at CONFIG_HZ)',
  },
]);

export const machineQueries = defineQueries([
  { name: 'phys', summary: 'Physical address of a buffer (byte 0 or buf + offset)', args: [{ name: 'buf', kind: 'expr' }], returns: 'u64', source: 'virt_to_phys / page_to_phys' },
  { name: 'va', summary: 'User virtual address of a user buffer', args: [{ name: 'buf', kind: 'expr' }], returns: 'u64', source: 'mm/mmap.c' },
  {
    name: 'dma_path',
    summary: 'Which DMA-API backend a device uses: "iommu" (iommu-dma) or "direct" (dma-direct)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'string',
    source: 'drivers/iommu/dma-iommu.c iommu_setup_dma_ops; kernel/dma/mapping.c dma_go_direct',
  },
]);
