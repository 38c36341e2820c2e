// Compact, readable forms of a trial's network and hardware design, for tables and tooltips (the
// report's and the dashboard's): a chain CNN as `3x36 5x48/2` (kernel x filters, /stride when
// not 1), an FPGA pipeline as `XC7Z020[0-2] XC7A50T[3-6]` (part and its layers), a systolic array
// as `32x32 ws`. Anything else falls back to short JSON.

const shortJson = (value: unknown, limit = 80) => {
  const json = JSON.stringify(value) ?? '';
  return json.length > limit ? `${json.slice(0, limit - 1)}…` : json;
};

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `3x36 5x48/2`: a chain CNN's layers; other architectures as short JSON. */
export function describeNetwork(architecture: unknown): string {
  const a = architecture as { kind?: string; layers?: { kernel?: unknown; filters?: unknown; stride?: unknown }[] } | undefined;
  if (a && Array.isArray(a.layers) && a.layers.every((l) => isNumber(l?.kernel) && isNumber(l?.filters))) {
    return a.layers.map((l) => `${l.kernel}x${l.filters}${isNumber(l.stride) && l.stride !== 1 ? `/${l.stride}` : ''}`).join(' ');
  }
  if (a && typeof a === 'object') {
    const { kind, ...rest } = a as Record<string, unknown>;
    return `${kind ?? ''}${Object.keys(rest).length ? ` ${shortJson(rest)}` : ''}`.trim();
  }
  return shortJson(architecture);
}

/** `XC7Z020[0-2] XC7A50T[3-6]` for pipeline stages, `32x32 ws` for an array; other designs as short JSON. */
export function describeDesign(design: unknown): string {
  if (design === undefined || design === null) return '–';
  const d = design as Record<string, unknown>;
  if (Array.isArray(d.stages)) {
    return (d.stages as { part?: unknown; layers?: unknown }[]).map((s) => {
      const [first, last] = Array.isArray(s.layers) ? s.layers : [];
      const span = isNumber(first) ? `[${first}${isNumber(last) && last !== first ? `-${last}` : ''}]` : '';
      return `${String(s.part ?? '?')}${span}`;
    }).join(' ');
  }
  if (isNumber(d.rows) && isNumber(d.cols)) return `${d.rows}x${d.cols}${typeof d.dataflow === 'string' ? ` ${d.dataflow}` : ''}`;
  const { model, ...rest } = d;
  return `${model ?? ''}${Object.keys(rest).length ? ` ${shortJson(rest)}` : ''}`.trim();
}
