// The pool of FPGA parts, in ONE editable table. Users add or override parts with the `parts`
// option (see options.ts). Sources and which values are estimates: README.md "FPGA parts".

/** What the pipeline model needs to know about one FPGA part (on its usual board). */
export interface FpgaPart {
  /** DSP slices (DSP48E1 on 7-series, DSP48E2 on UltraScale+). Datasheet. */
  dsp: number;
  /** 18 Kb block RAMs (each 36 Kb block counts as two). Datasheet. */
  bram18: number;
  /** Total data width of the accelerator's memory ports, bits per cycle (shared by Ip, Wp, Op). */
  portBits: number;
  /** Peak off-chip DDR bandwidth of the usual board, GB/s (1e9 bytes/s). */
  ddrGBps: number;
  /** Static power of the device (PL, plus the PS of a Zynq), watts. Estimate. */
  staticW: number;
  /** Highest accelerator clock the model accepts on this part, MHz. Estimate. */
  maxClockMHz: number;
}

/**
 * Built-in parts. DSP and BRAM18 counts: Xilinx DS190 (Zynq-7000), DS180 (7 series), DS891
 * (Zynq UltraScale+). Port widths: 4 AXI HP ports x 64 bit on Zynq-7000 (UG585), the MIG user
 * interface of the board's DDR3 (UG586: 8 x DQ width) on Artix/Virtex/ZC706-PL, 4 HP ports x 128
 * bit on Zynq UltraScale+ (UG1085). DDR: board peak rates (PAPER.md table). staticW and
 * maxClockMHz are estimates (see README).
 */
export const FPGA_PARTS: Readonly<Record<string, Readonly<FpgaPart>>> = Object.freeze({
  XC7Z015: { dsp: 160, bram18: 190, portBits: 256, ddrGBps: 4.26, staticW: 0.25, maxClockMHz: 200 },
  XC7Z020: { dsp: 220, bram18: 280, portBits: 256, ddrGBps: 4.26, staticW: 0.27, maxClockMHz: 200 },
  XC7A50T: { dsp: 120, bram18: 150, portBits: 128, ddrGBps: 2.67, staticW: 0.1, maxClockMHz: 200 },
  XC7Z045: { dsp: 900, bram18: 1090, portBits: 512, ddrGBps: 12.8, staticW: 0.45, maxClockMHz: 250 },
  XC7VX485T: { dsp: 2800, bram18: 2060, portBits: 512, ddrGBps: 12.8, staticW: 0.55, maxClockMHz: 250 },
  XCZU9EG: { dsp: 2520, bram18: 1824, portBits: 512, ddrGBps: 19.2, staticW: 0.8, maxClockMHz: 300 },
});

export const PART_FIELDS = ['dsp', 'bram18', 'portBits', 'ddrGBps', 'staticW', 'maxClockMHz'] as const;

/** The paper preset's default pool (PAPER.md). */
export const DEFAULT_POOL = ['XC7Z015', 'XC7Z020', 'XC7A50T'];
