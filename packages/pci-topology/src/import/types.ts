/**
 * Shared types of the dump importers: what each parser extracts per PCI function
 * (a FunctionRecord), and what an import returns.
 */
import type { PcieType, TopologyNodeSpec } from '../types.js';

/** A problem in a dump, with the 1-based line it was found on (0 = the whole input). */
export interface ImportDiagnostic {
  /** Stable code, e.g. LSPCI_BAD_ADDRESS, TREE_BAD_COLUMN, SYSFS_BAD_HEX. */
  code: string;
  message: string;
  line: number;
  hint?: string;
}

/** Dump formats the importers read. */
export type DumpFormat = 'lspci-vv' | 'lspci-tree' | 'sysfs';

/** What an importer returns. Bad input never throws: problems are `errors` (and `warnings`). */
export interface ImportResult {
  /** The machine as topology nodes (the same structure a `topology { … }` block gives). */
  nodes: TopologyNodeSpec[];
  errors: ImportDiagnostic[];
  warnings: ImportDiagnostic[];
  /** IOMMU groups the dump records, canonical 'dddd:bb:dd.f' (or a platform device's name) → group id. */
  recordedGroups: Map<string, number>;
  /** Bound kernel drivers the dump records ('Kernel driver in use'), canonical BDF → driver. */
  drivers: Map<string, string>;
}

/** SR-IOV capability fields as a dump shows them. */
export interface SriovRecord {
  initialVfs: number | undefined;
  totalVfs: number;
  numVfs: number;
  offset: number;
  stride: number;
  vfDevice: number | undefined;
}

/** One PCI function as read from a dump. */
export interface FunctionRecord {
  /** Line the function starts on. */
  line: number;
  segment: number;
  bus: number;
  devfn: number;
  vendor: number | undefined;
  device: number | undefined;
  subVendor: number | undefined;
  subDevice: number | undefined;
  /** 24-bit class code. */
  classCode: number | undefined;
  isBridge: boolean;
  secondary: number | undefined;
  subordinate: number | undefined;
  /** 'conventional' = no PCIe capability; undefined = unknown (lspci -t). */
  pcieType: PcieType | 'conventional' | undefined;
  /** Header-type multifunction bit, when the dump shows it. */
  multifunction: boolean | undefined;
  /** ACS capability and control; undefined = no ACS capability. */
  acs: { cap: number; ctl: number } | undefined;
  ats: boolean;
  pasid: boolean;
  pri: boolean;
  sriov: SriovRecord | undefined;
  driver: string | undefined;
  group: number | undefined;
  /** Explicit node kind (lspci -t guesses bridge kinds). */
  kind?: string;
}

export function emptyRecord(line: number, segment: number, bus: number, devfn: number): FunctionRecord {
  return {
    line,
    segment,
    bus,
    devfn,
    vendor: undefined,
    device: undefined,
    subVendor: undefined,
    subDevice: undefined,
    classCode: undefined,
    isBridge: false,
    secondary: undefined,
    subordinate: undefined,
    pcieType: undefined,
    multifunction: undefined,
    acs: undefined,
    ats: false,
    pasid: false,
    pri: false,
    sriov: undefined,
    driver: undefined,
    group: undefined,
  };
}
