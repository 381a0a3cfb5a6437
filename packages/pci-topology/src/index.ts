export {
  ACS_CR,
  ACS_DT,
  ACS_EC,
  ACS_FLAG_NAMES,
  ACS_RR,
  ACS_SV,
  ACS_TB,
  ACS_UF,
  REQ_ACS_FLAGS,
  formatAcsFlags,
  parseAcsFlags,
} from './acs-flags.js';
export { pciAcsEnabled, pciAcsExplain, pciAcsPathEnabled, pciAcsPathFailure, pciEnableAcs, pciEnableAcsAll } from './acs.js';
export type { AcsVerdict, EnableAcsOptions } from './acs.js';
export { CLASS_NAMES, HOST_BRIDGE_ATTRS, KNOWN_ATTRS, PCIE_TYPE_NAMES } from './attrs.js';
export { formatBdf, formatDevfn, formatRid, parseBdf, pciDevId } from './bdf.js';
export type { BdfResult, ParsedBdf } from './bdf.js';
export { buildTopology } from './build.js';
export type { BuildResult } from './build.js';
export { NODE_KINDS } from './build-drafts.js';
export { pciDevsAreDmaAliases, pciForEachDmaAlias, pciRequesterId } from './dma-alias.js';
export type { DmaAlias } from './dma-alias.js';
export { IommuGroupFormer, formIommuGroups } from './groups.js';
export type { GroupAssignment, IommuGroupInfo } from './groups.js';
export { pciOps, pciQueries } from './ops.js';
export { ACS_QUIRKS, BRIDGE_XLATE_ROOT_IDS, DMA_FUNC0_ALIAS_IDS, DMA_FUNC1_ALIAS_IDS, FIXED_DMA_ALIAS_IDS, PCIE_BRIDGE_ALIAS_IDS } from './quirks.js';
export type { AcsQuirk, HeaderQuirk } from './quirks.js';
export { sysfsGroups } from './sysfs.js';
export { PciTopology } from './topology.js';
export { formatTree } from './tree.js';
export type { TreeOptions } from './tree.js';
export type { PciBus, PciDevFlags, PciDevice, PciPlatform, PcieType, TopologyError, TopologyNodeSpec } from './types.js';
