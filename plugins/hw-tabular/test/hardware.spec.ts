import { expect } from 'chai';
import { UserError, isUserError, type PluginEntry } from '@coex/core';
import { loadRole, resolveConfig } from '@coex/core/host';
import { createTestPipeline, scratchFolder, NB201_SAMPLE, NB201_FULL, plainCsvRows } from '@coex/testing';

const FIXTURE = NB201_SAMPLE;
const FULL_TABLE = NB201_FULL;

const fixtureRows = () => plainCsvRows(FIXTURE);

async function modelWith(options: Record<string, unknown>) {
  const { config, plugins } = resolveConfig({ plugins: [['hw-tabular', { csv: FIXTURE, ...options }]] });
  return loadRole('hardware', { dir: '/nonexistent', config, plugins });
}

const cell = (c: string) => ({ kind: 'nb201-cell', cell: c });

describe('hw-tabular', () => {
  const scratch = scratchFolder('coex-hw-tabular');
  const write = scratch.write;

  it('without a table, says that the NAS-Bench-201 presets need one', async () => {
    const error = await modelWith({ csv: undefined }).catch((e: unknown) => e);
    expect(isUserError(error), String(error)).to.equal(true);
    expect((error as Error).message).to.match(/hardware\.csv: no table given\. The NAS-Bench-201 presets .* --set hardware\.csv=<table\.csv>/);
  });

  it('has no design decisions and a fixed design', async () => {
    const model = await modelWith({});
    expect(model.designSpace({ maxLayers: 6 })).to.deep.equal([]);
    expect(await model.propose(cell('x'), [], {})).to.deep.equal({ model: 'tabular' });
  });

  it('looks the fixture latencies up (ms to s) with HW-NAS-Bench FPGA energy = 7 W x latency', async () => {
    const model = await modelWith({ powerWatts: 7 });
    for (const row of fixtureRows()) {
      const latency = Number(row.fpga_latency_ms) / 1000;
      const m = model.evaluate(cell(row.arch_str), { model: 'tabular' });
      expect(m.feasible).to.equal(true);
      expect(m.latency).to.be.closeTo(latency, 1e-15);
      expect(m.throughput).to.be.closeTo(1 / latency, 1e-9);
      expect(m.power).to.be.closeTo(7, 1e-12);
      expect(m.energy).to.be.closeTo(7 * latency, 1e-15);
      expect(m).to.not.have.property('energyEfficiency');
    }
    const eyeriss = await modelWith({ latencyColumn: 'eyeriss_latency_ms' });
    const row = fixtureRows()[0];
    const m = eyeriss.evaluate(cell(row.arch_str), { model: 'tabular' });
    expect(m.latency).to.be.closeTo(Number(row.eyeriss_latency_ms) / 1000, 1e-15);
    expect(m).to.not.have.property('power');
    expect(m).to.not.have.property('energy');
  });

  it('reads any table: other columns, seconds, an energy column in J, operations for GOPS/W', async () => {
    const csv = write('device.csv', 'genotype,lat_s,energy_j,mflops\nnet-a,0.002,0.01,200\n"net,b",0.5,1.5,1000\n');
    const model = await modelWith({ csv, archColumn: 'genotype', archField: 'hash', latencyColumn: 'lat_s', latencyUnit: 's', energyColumn: 'energy_j', energyUnit: 'J', gopsColumn: 'mflops', gopsScale: 0.001 });
    const a = model.evaluate({ kind: 'x', hash: 'net-a' }, { model: 'tabular' });
    expect(a.latency).to.equal(0.002);
    expect(a.throughput).to.be.closeTo(500, 1e-9);
    expect(a.energy).to.equal(0.01);
    expect(a.power).to.be.closeTo(5, 1e-12);
    expect(a.gops).to.be.closeTo(0.2, 1e-12);
    expect(a.energyEfficiency).to.be.closeTo(20, 1e-9); // 0.2 GOP per 0.01 J
    const b = model.evaluate({ kind: 'x', hash: 'net,b' }, { model: 'tabular' });
    expect(b.power).to.be.closeTo(3, 1e-12);
    const mj = await modelWith({ csv, archColumn: 'genotype', archField: 'hash', latencyColumn: 'lat_s', latencyUnit: 's', energyColumn: 'energy_j' });
    expect(mj.evaluate({ kind: 'x', hash: 'net-a' }, { model: 'tabular' }).energy).to.be.closeTo(1e-5, 1e-18);
  });

  it('an architecture missing from the table is infeasible, naming it and the file', async () => {
    const model = await modelWith({});
    const missing = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
    expect(model.evaluate(cell(missing), { model: 'tabular' })).to.deep.equal({
      feasible: false,
      infeasible: [`${missing} is not in ${FIXTURE} (${fixtureRows().length} rows)`],
    });
    expect(() => model.evaluate({ kind: 'chain-cnn', layers: [] }, { model: 'tabular' })).to.throw(UserError, /hardware.archField: a chain-cnn architecture has no text field "cell"/);
  });

  it('in a run, core prunes cells over spec.maxLatency and cells the table lacks', async () => {
    const rows = new Map(fixtureRows().map((r) => [r.arch_str, Number(r.fpga_latency_ms) / 1000]));
    const search = (cellsCsv: string, budget: number, sets: string[] = []) => createTestPipeline({
      plugins: ['controller-random', ['space-nasbench201', { cellsCsv }], ['trainer-tabular', { csv: FIXTURE }], ['hw-tabular', { csv: FIXTURE }]] as PluginEntry[],
      seed: 5,
      budget,
      sets,
    }).execute();
    const { trials } = await search(FIXTURE, 40, ['spec.maxLatency=0.0035']);
    expect(trials).to.have.length(40);
    for (const t of trials) {
      const latency = rows.get(t.candidate.architecture.cell as string)!;
      expect(t.metrics.latency).to.be.closeTo(latency, 1e-15);
      expect(t.status).to.equal(latency > 0.0035 ? 'pruned' : 'done');
      if (t.status === 'pruned') expect(t.prunedReason).to.match(/latency [\d.e-]+ s is above maxLatency 0.0035 s/);
    }
    // The space proposes every cell of the full table; the sample's hardware table lacks most of them.
    const { trials: unrestricted } = await search(FULL_TABLE, 8);
    const missing = unrestricted.filter((t) => !rows.has(t.candidate.architecture.cell as string));
    expect(missing.length).to.be.greaterThan(0);
    for (const t of missing) {
      expect(t.status).to.equal('pruned');
      expect(t.prunedReason).to.equal(`does not fit the hardware: ${t.candidate.architecture.cell} is not in ${FIXTURE} (${rows.size} rows)`);
    }
  });

  it('clear user errors: missing file, missing column, bad values, conflicting options', async () => {
    const fail = async (options: Record<string, unknown>) => {
      let error: unknown;
      await modelWith(options).catch((e) => { error = e; });
      expect(isUserError(error), String(error)).to.equal(true);
      return (error as Error).message;
    };
    expect(await fail({ csv: scratch.file('absent.csv') })).to.match(/hardware.csv: cannot read CSV file .*absent.csv: no such file/);
    expect(await fail({ latencyColumn: 'fpga_latency' })).to.match(/hardware.latencyColumn: column "fpga_latency" is not in .*nb201_sample.csv \(did you mean "fpga_latency_ms"\?\); its columns are "index", "arch_str"/);
    expect(await fail({ energyColumn: 'fpga_energy' })).to.match(/hardware.energyColumn: column "fpga_energy" is not in/);
    expect(await fail({ energyColumn: 'eyeriss_latency_ms', powerWatts: 7 })).to.match(/hardware.energyColumn and hardware.powerWatts both give the energy/);
    const zero = write('zero.csv', 'arch_str,fpga_latency_ms\na,1\nb,0\n');
    expect(await fail({ csv: zero })).to.match(/zero.csv:3: column "fpga_latency_ms" should be positive, found 0/);
    const ragged = write('ragged.csv', 'arch_str,fpga_latency_ms\na,1\nb,2,3\n');
    expect(await fail({ csv: ragged })).to.match(/ragged.csv:3: expected 2 fields as in the header, found 3/);
    expect(() => resolveConfig({ plugins: [['hw-tabular', { latencyUnit: 'us' }]] })).to.throw(UserError, /option hardware.latencyUnit/);
  });
});
