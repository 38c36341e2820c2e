// Hardware decisions a controller samples (co-exploration), and how their tokens decode into a
// pipeline design. Layout: `stages`, `cut1`..`cut{S-1}`, then per stage `stage{k}.part`,
// `.Tm`, `.Tn`, `.tile` (Tr = Tc) and `.ports` (port split). A cut c starts a new stage at layer c;
// cuts beyond the network or repeated cuts merge stages, so a design may have fewer stages.
import type { Decision } from '@coex/core';
import type { TilingChoices } from './candidates';
import type { PartsTable } from './options';
import { MODEL_NAME, type FpgaPipelineDesign } from './pipeline';
import { PORT_SPLITS, splitPorts, type Bits } from './tiling';

export interface SpaceSettings {
  pool: readonly string[];
  maxStages: number;
  choices: TilingChoices;
}

const PER_STAGE = ['part', 'Tm', 'Tn', 'tile', 'ports'] as const;

/** `maxLayers`: conv layers of the largest network; the pipeline also runs the dense head. */
export function hardwareDecisions(maxLayers: number, s: SpaceSettings): Decision[] {
  const layers = maxLayers + 1;
  const stages = Math.max(1, Math.min(s.maxStages, layers));
  const cutChoices = Array.from({ length: layers - 1 }, (_, i) => i + 1);
  const decisions: Decision[] = [{ name: 'stages', choices: Array.from({ length: stages }, (_, i) => i + 1) }];
  for (let k = 1; k < stages; k++) decisions.push({ name: `cut${k}`, choices: cutChoices });
  for (let k = 0; k < stages; k++) {
    decisions.push(
      { name: `stage${k}.part`, choices: [...s.pool] },
      { name: `stage${k}.Tm`, choices: [...s.choices.tmChoices] },
      { name: `stage${k}.Tn`, choices: [...s.choices.tnChoices] },
      { name: `stage${k}.tile`, choices: [...s.choices.tileChoices] },
      { name: `stage${k}.ports`, choices: [...s.choices.portSplits] },
    );
  }
  return decisions;
}

/** Decodes hardware tokens for a network of `count` layers. */
export function decodeDesign(
  tokens: readonly number[],
  decisions: readonly Decision[],
  count: number,
  parts: PartsTable,
  bits: Bits,
): FpgaPipelineDesign {
  if (tokens.length !== decisions.length) {
    throw new Error(`fpga-pipeline: expected ${decisions.length} hardware tokens, got ${tokens.length}`);
  }
  const pick = (index: number) => {
    const d = decisions[index];
    const t = tokens[index];
    if (!Number.isInteger(t) || t < 0 || t >= d.choices.length) {
      throw new Error(`fpga-pipeline: token ${t} out of range for decision ${d.name} (${d.choices.length} choices)`);
    }
    return d.choices[t];
  };
  const maxStages = decisions[0].choices.length;
  const wanted = pick(0) as number;
  const cuts = [...new Set(Array.from({ length: wanted - 1 }, (_, k) => pick(1 + k) as number))]
    .filter((c) => c < count)
    .sort((a, b) => a - b);
  const starts = [0, ...cuts];
  const stageBase = maxStages;
  return {
    model: MODEL_NAME,
    origin: 'sampled',
    stages: starts.map((first, k) => {
      const at = stageBase + k * PER_STAGE.length;
      const part = pick(at) as string;
      const tile = pick(at + 3) as number;
      const ports = splitPorts(parts[part], bits, PORT_SPLITS[pick(at + 4) as string]) ?? { Ip: 1, Wp: 1, Op: 1 };
      return {
        part,
        layers: [first, (starts[k + 1] ?? count) - 1] as [number, number],
        tiling: { Tm: pick(at + 1) as number, Tn: pick(at + 2) as number, Tr: tile, Tc: tile, ...ports },
      };
    }),
  };
}
