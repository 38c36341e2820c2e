// Isomorphism classes of NAS-Bench-201 cells, exactly as the benchmark counts its "unique" cells
// (Structure.to_unique_str(consider_zero=True) in the NAS-Bench-201 / AutoDL-Projects code): each
// node gets a symbolic expression of the input, and two cells are equivalent when their output
// node's expressions are equal. This gives 6,466 classes over the 15,625 cells.
import { EDGES, OPS, encodeCell } from './cell';

/** The expression of the zero tensor. */
const ZERO = '#';

/**
 * The canonical form of a cell (its tokens or its string). Rules, applied node by node:
 * - node 0 (the cell input) is `0`;
 * - an edge whose op is `none`, or whose source node's expression is exactly `#`, contributes `#`;
 * - `skip_connect` contributes its source's expression unchanged (identity);
 * - any other op contributes `(<source>)@<op>`;
 * - a node is the sorted `+`-join of its incoming contributions (the sum is commutative);
 * - the cell's form is node 3's expression, so edges and nodes that do not reach the output vanish.
 * As in NAS-Bench-201, zeros are not simplified further: a node with two or three all-zero inputs
 * is `#+#` (not `#`), and `#` terms stay in a sum, so such cells keep separate classes.
 */
export function canonicalCell(cell: string | readonly number[]): string {
  const tokens = typeof cell === 'string' ? encodeCell(cell) : cell;
  const nodes: string[] = ['0'];
  for (let node = 1; node <= 3; node++) {
    const terms = EDGES.flatMap(([to, from], e) => {
      if (to !== node) return [];
      const op = OPS[tokens[e]];
      const source = nodes[from];
      return [op === 'none' || source === ZERO ? ZERO : op === 'skip_connect' ? source : `(${source})@${op}`];
    });
    nodes[node] = terms.sort().join('+');
  }
  return nodes[3];
}
