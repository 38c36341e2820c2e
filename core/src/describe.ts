// Compact one-line descriptions of a trial's network and hardware design, and accuracy in one unit,
// for every reader that prints results (`coex show`, reports, dashboards). Designs are described by
// their shape (FPGA pipeline stages, a systolic array's rows and columns), so core need not know
// the plugins that made them; anything else falls back to the design's model name.
import type { Architecture, ChainCnnArchitecture, HardwareDesign } from './types';

/**
 * `3x36 5x48/2 ...` for a chain CNN (kernel x filters, /stride when above 1), the cell string of a
 * NAS-Bench-201 cell, `<n> layers` for layer tables, else the architecture's kind.
 */
export function describeNetwork(architecture: Architecture): string {
  if (architecture.kind === 'chain-cnn') {
    return (architecture as ChainCnnArchitecture).layers.map((l) => `${l.kernel}x${l.filters}${l.stride > 1 ? `/${l.stride}` : ''}`).join(' ');
  }
  if (typeof architecture.cell === 'string') return architecture.cell;
  if (Array.isArray(architecture.layers)) return `${architecture.layers.length} layers`;
  return architecture.kind;
}

interface StageLike {
  part: string;
  layers: [number, number];
}

const isStageList = (value: unknown): value is StageLike[] =>
  Array.isArray(value) && value.length > 0 &&
  value.every((s) => s && typeof s.part === 'string' && Array.isArray(s.layers) && s.layers.length === 2);

/**
 * `XC7Z020[0-2] XC7A50T[3-6] XC7A50T[7]` for pipeline stages (part and layer range), `32x32 ws 64/64/32KB`
 * for a systolic array (rows x columns, dataflow, ifmap/filter/ofmap SRAM), else the model name.
 */
export function describeDesign(design: HardwareDesign | undefined): string {
  if (!design) return '-';
  if (isStageList(design.stages)) {
    return design.stages.map((s) => `${s.part}[${s.layers[0]}${s.layers[1] === s.layers[0] ? '' : `-${s.layers[1]}`}]`).join(' ');
  }
  const d = design as Record<string, unknown>;
  if (typeof d.rows === 'number' && typeof d.cols === 'number') {
    const sram = [d.ifmapSramKB, d.filterSramKB, d.ofmapSramKB];
    return `${d.rows}x${d.cols}${typeof d.dataflow === 'string' ? ` ${d.dataflow}` : ''}` +
      (sram.every((kb) => typeof kb === 'number') ? ` ${sram.join('/')}KB` : '');
  }
  return design.model;
}

/** An accuracy fraction as a percentage with two decimals: 0.865 -> `86.50 %`. */
export function formatAccuracy(fraction: number | undefined): string {
  return typeof fraction === 'number' && Number.isFinite(fraction) ? `${(fraction * 100).toFixed(2)} %` : '-';
}

/** The compact strings `coex show --json` adds to a front member or the best trial. */
export function describeCandidate(candidate: { architecture: Architecture; design?: HardwareDesign }): { network: string; design?: string } {
  return { network: describeNetwork(candidate.architecture), ...(candidate.design ? { design: describeDesign(candidate.design) } : {}) };
}
