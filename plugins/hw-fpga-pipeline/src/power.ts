// Power of one FPGA in the pipeline (PAPER.md decision: the paper's power model is unknown):
//   P = staticW(part) + (clockMHz / 100)·(dspWatts·DSPs + bramWatts·BRAM18s) + traffic power,
//   traffic power = off-chip bits per image · ddrPicojoulesPerBit · images/s.
// Coefficients and their sources: README.md "Power model". All are options.

export interface PowerCoefficients {
  /** Dynamic watts per DSP slice in use at 100 MHz (with its share of fabric logic and routing). */
  dspWatts: number;
  /** Dynamic watts per BRAM18 in use at 100 MHz. */
  bramWatts: number;
  /** Energy of one off-chip DDR bit (DRAM access plus I/O), picojoules. */
  ddrPicojoulesPerBit: number;
}

export const DEFAULT_POWER: Readonly<PowerCoefficients> = Object.freeze({
  dspWatts: 0.003,
  bramWatts: 0.0015,
  ddrPicojoulesPerBit: 40,
});

/** Static plus compute dynamic power of one stage, watts (independent of the pipeline's rate). */
export function stageBasePower(staticW: number, dsp: number, bram18: number, clockMHz: number, c: PowerCoefficients): number {
  return staticW + (clockMHz / 100) * (c.dspWatts * dsp + c.bramWatts * bram18);
}

/** Energy of one batch's off-chip traffic, joules. */
export function trafficEnergy(trafficBytes: number, c: PowerCoefficients): number {
  return trafficBytes * 8 * c.ddrPicojoulesPerBit * 1e-12;
}
