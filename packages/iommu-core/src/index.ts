export { SimClock } from './clock.js';
export { parseCmdline, kstrtobool } from './cmdline.js';
export type { CmdlineParam } from './cmdline.js';
export { IommuCore } from './core.js';
export type { IommuCoreOptions } from './core.js';
export { computeDefaultDomainPolicy, decideGroupDomain, setDmaStrict } from './default-domain.js';
export type {
  DefaultDomainInputs,
  DefaultDomainKconfig,
  DefaultDomainPolicy,
  GroupDomainDecision,
  GroupDomainRequest,
} from './default-domain.js';
export { IommuDomain } from './domain.js';
export type { MapErrno, MapResult, Trace } from './domain.js';
export {
  IOMMU_DOMAIN_BLOCKED,
  IOMMU_DOMAIN_DMA,
  IOMMU_DOMAIN_DMA_FQ,
  IOMMU_DOMAIN_IDENTITY,
  IOMMU_DOMAIN_UNMANAGED,
  domainTypeNumber,
  domainTypeString,
  domainTypeSysfs,
  isDmaDomain,
  isPagingDomain,
} from './domain-type.js';
export type { DomainType } from './domain-type.js';
export { IommuGroup } from './group.js';
export { formatVtdFault, formatVtdFaultStatus, vtdFaultReasonText } from './intel/fault.js';
export type { VtdFaultRecord } from './intel/fault.js';
export { parseIntelOptions } from './intel/options.js';
export type { IntelKconfig, IntelOptions } from './intel/options.js';
export { IntelVtd } from './intel/vtd.js';
export type { VtdDevice, VtdPlatform, VtdTranslation } from './intel/vtd.js';
export { Iotlb } from './iotlb.js';
export type { IotlbEntry } from './iotlb.js';
export { KernelLog, RateLimit } from './log.js';
export { iommuOps, iommuQueries } from './ops.js';
export { iommuPgsize, minPageSize } from './pgsize.js';
export { iommuProfiles } from './profile.js';
export type { IommuProfile, Release } from './profile.js';
