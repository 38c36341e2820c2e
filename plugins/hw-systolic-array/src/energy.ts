// Energy from per-access costs. Defaults are Eyeriss's normalised energies (Chen, Emer, Sze, ISCA
// 2016, from Horowitz, ISSCC 2014): a MAC and a register-file access cost 1 unit, a global-buffer
// (SRAM) access 6, a DRAM access 200, per 16-bit word. We read 1 unit as 1 pJ, the order of a
// 16-bit multiply-add in 45-65 nm (Horowitz: 8-bit multiply 0.2 pJ, 32-bit multiply 3.1 pJ).
// SRAM access energy grows with the array size roughly as the square root of its capacity
// (Horowitz: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ per 64-bit access), so by default the SRAM cost
// is scaled by sqrt(size / sramReferenceKB), the reference being Eyeriss's 108 KB buffer.
import type { BufferTraffic, LayerTraffic } from './traffic';

export interface EnergyCosts {
  macEnergyPJ: number;
  registerEnergyPJ: number;
  sramEnergyPJ: number;
  dramEnergyPJ: number;
  sramReferenceKB: number;
  sramSizeScaling: boolean;
}

export const DEFAULT_ENERGY: Readonly<EnergyCosts> = Object.freeze({
  macEnergyPJ: 1,
  registerEnergyPJ: 1,
  sramEnergyPJ: 6,
  dramEnergyPJ: 200,
  sramReferenceKB: 108,
  sramSizeScaling: true,
});

/** Register accesses per MAC: the two operands a PE reads and passes on, and its accumulator. */
export const REGISTER_ACCESSES_PER_MAC = 3;

/** Energy of one access to an SRAM of `kb` KB. */
export function sramAccessPJ(costs: EnergyCosts, kb: number): number {
  return costs.sramSizeScaling ? costs.sramEnergyPJ * Math.sqrt(kb / costs.sramReferenceKB) : costs.sramEnergyPJ;
}

export interface EnergyBreakdown {
  mac: number;
  register: number;
  sram: number;
  dram: number;
}

/** SRAM accesses of a buffer: the array's reads and writes plus the DRAM side (fills and drains). */
export function sramAccesses(b: BufferTraffic): number {
  return b.sramReads + b.sramWrites + b.dramReads + b.dramWrites;
}

/** Energy of one layer in joules, by component. */
export function layerEnergy(
  macs: number,
  traffic: LayerTraffic,
  sramKB: { ifmap: number; filter: number; ofmap: number },
  costs: EnergyCosts,
): EnergyBreakdown {
  const dramWords = traffic.ifmap.dramReads + traffic.filter.dramReads + traffic.ofmap.dramReads + traffic.ofmap.dramWrites;
  const sramPJ =
    sramAccesses(traffic.ifmap) * sramAccessPJ(costs, sramKB.ifmap) +
    sramAccesses(traffic.filter) * sramAccessPJ(costs, sramKB.filter) +
    sramAccesses(traffic.ofmap) * sramAccessPJ(costs, sramKB.ofmap);
  return {
    mac: macs * costs.macEnergyPJ * 1e-12,
    register: macs * REGISTER_ACCESSES_PER_MAC * costs.registerEnergyPJ * 1e-12,
    sram: sramPJ * 1e-12,
    dram: dramWords * costs.dramEnergyPJ * 1e-12,
  };
}
