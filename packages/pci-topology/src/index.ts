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
export {
  CLASS_NAMES,
  HOST_BRIDGE_ATTRS,
  KNOWN_ATTRS,
  PCIE_TYPE_NAMES,
  PLATFORM_DEVICE_ATTRS,
  SRIOV_DEFAULT_OFFSET,
  SRIOV_DEFAULT_STRIDE,
} from './attrs.js';
export { formatBdf, formatDevfn, formatRid, parseBdf, pciDevId } from './bdf.js';
export type { BdfResult, ParsedBdf } from './bdf.js';
export { buildTopology } from './build.js';
export type { BuildResult } from './build.js';
export { NODE_KINDS } from './build-drafts.js';
export { pciDevsAreDmaAliases, pciForEachDmaAlias, pciRequesterId } from './dma-alias.js';
export type { DmaAlias } from './dma-alias.js';
export { IommuGroupFormer, formIommuGroups } from './groups.js';
export { compareGroups } from './import/compare.js';
export type { GroupMismatch } from './import/compare.js';
export { decodeConfigSpace } from './import/config-space.js';
export { IMPORT_ATTRS, IMPORT_FORMATS, detectDumpFormat, expandImports, importTopology } from './import/expand.js';
export type { ExpandOptions, ExpandResult } from './import/expand.js';
export { parseLspciTree, parseLspciTreeRecords } from './import/lspci-tree.js';
export { parseLspciVerbose, parseLspciVerboseRecords } from './import/lspci-vv.js';
export { recordsToNodes } from './import/records.js';
export type { RecordsToNodesOptions } from './import/records.js';
export { parseSysfsDump } from './import/sysfs.js';
export type { DumpFormat, FunctionRecord, ImportDiagnostic, ImportResult, SriovRecord } from './import/types.js';
export type { GroupAssignment, IommuGroupInfo } from './groups.js';
export { pciOps, pciQueries } from './ops.js';
export { ACS_QUIRKS, BRIDGE_XLATE_ROOT_IDS, DMA_FUNC0_ALIAS_IDS, DMA_FUNC1_ALIAS_IDS, FIXED_DMA_ALIAS_IDS, PCIE_BRIDGE_ALIAS_IDS } from './quirks.js';
export type { AcsQuirk, HeaderQuirk } from './quirks.js';
export { sriovParams, virtfnRouting } from './sriov.js';
export type { SriovParams } from './sriov.js';
export { sysfsGroups } from './sysfs.js';
export { PciTopology } from './topology.js';
export type { TopologyExtras } from './topology.js';
export { formatTree } from './tree.js';
export type { TreeOptions } from './tree.js';
export type {
  PciBus,
  PciDevFlags,
  PciDevice,
  PciPlatform,
  PcieType,
  PlatformDevice,
  SriovInfo,
  TopologyError,
  TopologyNodeSpec,
} from './types.js';
