/**
 * VT-d fault reasons and the log lines drivers/iommu/intel/dmar.c prints for them
 * (dmar_fault, dmar_fault_do_one, dmar_get_fault_reason). Tables restated from
 * the VT-d specification's fault-reason encodings as the kernel words them.
 */
const LEGACY_REASONS: readonly string[] = [
  'Software',
  'Present bit in root entry is clear',
  'Present bit in context entry is clear',
  'Invalid context entry',
  'Access beyond MGAW',
  'PTE Write access is not set',
  'PTE Read access is not set',
  'Next page table ptr is invalid',
  'Root table address invalid',
  'Context table ptr is invalid',
  'non-zero reserved fields in RTP',
  'non-zero reserved fields in CTP',
  'non-zero reserved fields in PTE',
  'PCE for translation request specifies blocking',
];

const IRQ_REMAP_REASONS: readonly string[] = [
  'Detected reserved fields in the decoded interrupt-remapped request',
  'Interrupt index exceeded the interrupt-remapping table size',
  'Present field in the IRTE entry is clear',
  'Error accessing interrupt-remapping table pointed by IRTA_REG',
  'Detected reserved fields in the IRTE entry',
  'Blocked a compatibility format interrupt request',
  'Blocked an interrupt request due to source-id verification failure',
];

const SM_REASONS: Readonly<Record<number, string>> = {
  0x30: 'SM: Invalid Root Table Address',
  0x31: 'SM: TTM 0 for request with PASID',
  0x32: 'SM: TTM 0 for page group request',
  0x38: 'SM: Error attempting to access Root Entry',
  0x39: 'SM: Present bit in Root Entry is clear',
  0x3a: 'SM: Non-zero reserved field set in Root Entry',
  0x40: 'SM: Error attempting to access Context Entry',
  0x41: 'SM: Present bit in Context Entry is clear',
  0x42: 'SM: Non-zero reserved field set in the Context Entry',
  0x43: 'SM: Invalid Context Entry',
  0x44: 'SM: DTE field in Context Entry is clear',
  0x45: 'SM: PASID Enable field in Context Entry is clear',
  0x46: 'SM: PASID is larger than the max in Context Entry',
  0x47: 'SM: PRE field in Context-Entry is clear',
  0x48: 'SM: RID_PASID field error in Context-Entry',
  0x50: 'SM: Error attempting to access the PASID Directory Entry',
  0x51: 'SM: Present bit in Directory Entry is clear',
  0x52: 'SM: Non-zero reserved field set in PASID Directory Entry',
  0x58: 'SM: Error attempting to access PASID Table Entry',
  0x59: 'SM: Present bit in PASID Table Entry is clear',
  0x5a: 'SM: Non-zero reserved field set in PASID Table Entry',
  0x5b: 'SM: Invalid Scalable-Mode PASID Table Entry',
  0x5c: 'SM: ERE field is clear in PASID Table Entry',
  0x5d: 'SM: SRE field is clear in PASID Table Entry',
  0x70: 'SM: Error attempting to access first-level paging entry',
  0x71: 'SM: Present bit in first-level paging entry is clear',
  0x72: 'SM: Non-zero reserved field set in first-level paging entry',
  0x73: 'SM: Error attempting to access FL-PML4 entry',
  0x74: 'SM: First-level entry address beyond MGAW in Nested translation',
  0x75: 'SM: Read permission error in FL-PML4 entry in Nested translation',
  0x76: 'SM: Read permission error in first-level paging entry in Nested translation',
  0x77: 'SM: Write permission error in first-level paging entry in Nested translation',
  0x78: 'SM: Error attempting to access second-level paging entry',
  0x79: 'SM: Read/Write permission error in second-level paging entry',
  0x7a: 'SM: Non-zero reserved field set in second-level paging entry',
  0x7b: 'SM: Invalid second-level page table pointer',
  0x7c: 'SM: A/D bit update needed in second-level entry when set up in no snoop',
  0x80: 'SM: Address in first-level translation is not canonical',
  0x81: 'SM: U/S set 0 for first-level translation with user privilege',
  0x82: 'SM: No execute permission for request with PASID and ER=1',
  0x83: 'SM: Address beyond the DMA hardware max',
  0x84: 'SM: Second-level entry address beyond the max',
  0x85: 'SM: No write permission for Write/AtomicOp request',
  0x86: 'SM: No read permission for Read/AtomicOp request',
  0x87: 'SM: Invalid address-interrupt address',
  0x90: 'SM: A/D bit update needed in first-level entry when set up in no snoop',
};

/** dmar_get_fault_reason: which table a reason code is looked up in. */
export function vtdFaultReasonText(reason: number): { text: string; kind: 'dma' | 'intr-remap' } {
  if (reason >= 0x20 && reason < 0x20 + IRQ_REMAP_REASONS.length) {
    return { text: IRQ_REMAP_REASONS[reason - 0x20]!, kind: 'intr-remap' };
  }
  if (reason >= 0x30 && reason <= 0x90) return { text: SM_REASONS[reason] ?? 'Unknown', kind: 'dma' };
  if (reason < LEGACY_REASONS.length) return { text: LEGACY_REASONS[reason]!, kind: 'dma' };
  return { text: 'Unknown', kind: 'dma' };
}

export interface VtdFaultRecord {
  /** Source-id: bus << 8 | devfn. */
  readonly sourceId: number;
  readonly addr: bigint;
  readonly reason: number;
  readonly write: boolean;
  readonly pasid?: number;
}

function sidText(sid: number): string {
  const bus = (sid >> 8) & 0xff;
  const dev = (sid >> 3) & 0x1f;
  const fn = sid & 7;
  return `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
}

/** dmar_fault_do_one: one line per fault record; the address is page-aligned. */
export function formatVtdFault(f: VtdFaultRecord): string {
  const { text, kind } = vtdFaultReasonText(f.reason);
  const reason = `[fault reason 0x${f.reason.toString(16).padStart(2, '0')}] ${text}`;
  if (kind === 'intr-remap') {
    return `DMAR: [INTR-REMAP] Request device [${sidText(f.sourceId)}] fault index 0x${(f.addr >> 48n).toString(16)} ${reason}`;
  }
  const dir = f.write ? 'DMA Write' : 'DMA Read';
  const pasid = f.pasid === undefined ? 'NO_PASID' : `PASID 0x${f.pasid.toString(16)}`;
  const page = f.addr & ~0xfffn;
  return `DMAR: [${dir} ${pasid}] Request device [${sidText(f.sourceId)}] fault addr 0x${page.toString(16)} ${reason}`;
}

/** dmar_fault: the status-register line printed before the records. */
export function formatVtdFaultStatus(status: number): string {
  return `DMAR: DRHD: handling fault status reg ${status.toString(16)}`;
}
