// NAS-Bench-201 cells: a DAG of 4 nodes, every earlier node feeding every later one through one of
// five operations. A cell is written as the benchmark writes it, one |op~j| per edge into node i,
// nodes separated by '+': |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.
import { UserError } from '@coex/core';

/** The five operations, in the order NAS-Bench-201 lists them (token i is OPS[i]). */
export const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof OPS)[number];

/** The six edges [to, from] in the order of the cell string: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export const EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

/** Number of cells in the space: 5^6. */
export const CELL_COUNT = OPS.length ** EDGES.length;

/** The cell string of six op tokens (indices into OPS, in EDGES order). */
export function decodeCell(tokens: readonly number[]): string {
  if (tokens.length !== EDGES.length) throw new Error(`a NAS-Bench-201 cell has ${EDGES.length} edges, got ${tokens.length} tokens`);
  const nodes: string[] = [];
  EDGES.forEach(([to, from], e) => {
    const op = OPS[tokens[e]];
    if (op === undefined) throw new Error(`token ${tokens[e]} of edge ${to}<-${from} is not an operation index 0..${OPS.length - 1}`);
    nodes[to - 1] = `${nodes[to - 1] ?? '|'}${op}~${from}|`;
  });
  return nodes.join('+');
}

/** The op tokens of a cell string; anything that is not a well-formed cell is a UserError saying why. */
export function encodeCell(cell: string): number[] {
  const fail = (why: string) => new UserError(`not a NAS-Bench-201 cell string: ${JSON.stringify(cell)}: ${why}`);
  const nodes = cell.trim().split('+');
  if (nodes.length !== 3) throw fail(`expected 3 nodes separated by "+", found ${nodes.length}`);
  const tokens: number[] = [];
  nodes.forEach((node, n) => {
    const to = n + 1;
    if (!node.startsWith('|') || !node.endsWith('|')) throw fail(`node ${to} should be written |op~j|...|`);
    const edges = node.slice(1, -1).split('|');
    if (edges.length !== to) throw fail(`node ${to} should have ${to} input edge(s), found ${edges.length}`);
    edges.forEach((edge, from) => {
      const [op, source, ...rest] = edge.split('~');
      if (rest.length || source !== String(from)) throw fail(`edge ${edge} of node ${to} should read <op>~${from}`);
      const token = (OPS as readonly string[]).indexOf(op);
      if (token < 0) throw fail(`unknown operation "${op}"; operations are ${OPS.join(', ')}`);
      tokens.push(token);
    });
  });
  return tokens;
}

/** Every cell's tokens, in counting order (edge 1<-0 varies slowest). */
export function* allCellTokens(): Generator<number[]> {
  for (let index = 0; index < CELL_COUNT; index++) {
    const tokens: number[] = new Array(EDGES.length);
    let rest = index;
    for (let e = EDGES.length - 1; e >= 0; e--) {
      tokens[e] = rest % OPS.length;
      rest = Math.floor(rest / OPS.length);
    }
    yield tokens;
  }
}
