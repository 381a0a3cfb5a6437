/** ACS capability/control bits (include/uapi/linux/pci_regs.h PCI_ACS_*). */
export const ACS_SV = 0x01; // Source Validation
export const ACS_TB = 0x02; // Translation Blocking
export const ACS_RR = 0x04; // P2P Request Redirect
export const ACS_CR = 0x08; // P2P Completion Redirect
export const ACS_UF = 0x10; // Upstream Forwarding
export const ACS_EC = 0x20; // P2P Egress Control
export const ACS_DT = 0x40; // Direct Translated P2P

/** drivers/iommu/iommu.c REQ_ACS_FLAGS: what a PCI device needs to be isolated. */
export const REQ_ACS_FLAGS = ACS_SV | ACS_RR | ACS_CR | ACS_UF;

/** Flag names in lspci order. */
export const ACS_FLAG_NAMES: readonly (readonly [string, number])[] = [
  ['SV', ACS_SV],
  ['TB', ACS_TB],
  ['RR', ACS_RR],
  ['CR', ACS_CR],
  ['UF', ACS_UF],
  ['EC', ACS_EC],
  ['DT', ACS_DT],
];

/** 'SV|RR|CR|UF' ('0' for none). */
export function formatAcsFlags(v: number): string {
  const names = ACS_FLAG_NAMES.filter(([, bit]) => (v & bit) !== 0).map(([n]) => n);
  return names.length === 0 ? '0' : names.join('|');
}

/** Parse a flag list ('sv,rr,cr,uf', '|' or '+' separators too) or a hex/decimal number. */
export function parseAcsFlags(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^0x[0-9a-f]+$/.test(t) || /^[0-9]+$/.test(t)) {
    const v = parseInt(t, t.startsWith('0x') ? 16 : 10);
    return v <= 0x7f ? v : undefined;
  }
  let v = 0;
  for (const part of t.split(/[,|+]/)) {
    const entry = ACS_FLAG_NAMES.find(([n]) => n.toLowerCase() === part.trim());
    if (!entry) return undefined;
    v |= entry[1];
  }
  return v;
}
