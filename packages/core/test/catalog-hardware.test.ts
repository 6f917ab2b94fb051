import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCatalog,
  type Catalog,
  type Device,
  deviceFactRanges,
  findDevice,
  findTier,
  isChipPower,
  powerCaveat,
  type TextFile,
} from '../src/index.ts';

const hardwareDir = new URL('../data/hardware', import.meta.url).pathname;

function hardwareFiles(): TextFile[] {
  return readdirSync(hardwareDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => {
      const full = join(hardwareDir, name);
      return { path: relative(process.cwd(), full), text: readFileSync(full, 'utf8') };
    });
}

const requiredDeviceIds = [
  'a100-sxm-80gb',
  'h100-sxm',
  'h100-pcie',
  'h100-nvl',
  'h800',
  'h20',
  'h200',
  'b200',
  'gb200',
  'mi300x',
  'mi325x',
  'gaudi2',
  'gaudi3',
  'ascend-910b',
  'ascend-910c',
  'tpu-v4',
  'tpu-v5e',
  'tpu-v5p',
  'tpu-v6e',
  'groq-lpu',
  'rtx-3060',
  'rtx-3090',
  'rtx-4090',
  'rtx-5090',
  'm2-ultra',
  'm3-ultra',
  'm4-pro',
  'm4-max',
  'raspberry-pi-5-8gb',
  'ddr5-desktop',
  // issue 11: devices through 2026
  'tpu-v7',
  'trainium2',
  'trainium3',
  'b300',
  'gb300',
  'mi355x',
  'mi350x',
  'l40s',
  'rtx-pro-6000-blackwell',
  'dgx-spark',
  'ryzen-ai-max-395',
  'm1-max',
  'm3-max',
  'm5',
  'cerebras-wse-3',
  'ascend-950pr',
  'ascend-950dt',
];

const requiredTierIds = ['pcie4-x16', 'pcie5-x16', 'nvme', 'sata-ssd', 'hdd', 'ddr5-dual-channel'];

describe('hardware catalog', () => {
  const catalog: Catalog = buildCatalog(hardwareFiles());
  const device = (id: string): Device => findDevice(catalog, id);

  it('has every device and tier that other code refers to', () => {
    const ids = new Set(catalog.devices.map((d) => d.id));
    expect(requiredDeviceIds.filter((id) => !ids.has(id))).toEqual([]);
    const tierIds = new Set(catalog.tiers.map((t) => t.id));
    expect(requiredTierIds.filter((id) => !tierIds.has(id))).toEqual([]);
    expect(findTier(catalog, 'nvme').kind).toBe('storage');
  });

  it('resolves the short aliases', () => {
    expect(device('a100').id).toBe('a100-sxm-80gb');
    expect(device('h100').id).toBe('h100-sxm');
  });

  it('matches the vendor spec sheets on spot values', () => {
    const h100 = device('h100-sxm');
    expect(h100.compute.denseTflops.bf16).toBeCloseTo(989.5, 0);
    expect(h100.compute.denseTflops.fp8).toBe(1979);
    expect(h100.memory.capacityGB).toBe(80);
    expect(h100.memory.bandwidthGBs).toBe(3350);
    expect(h100.links?.scaleUpGBs).toBe(900);

    const h200 = device('h200');
    expect(h200.memory.capacityGB).toBe(141);
    expect(h200.memory.bandwidthGBs).toBe(4800);

    const a100 = device('a100');
    expect(a100.compute.denseTflops.bf16).toBe(312);
    expect(a100.compute.denseTflops.fp8).toBeUndefined();
    expect(a100.memory.bandwidthGBs).toBe(2039);

    const mi300x = device('mi300x');
    expect(mi300x.compute.denseTflops.bf16).toBe(1307.4);
    expect(mi300x.memory.capacityGB).toBe(192);
    expect(mi300x.memory.bandwidthGBs).toBe(5300);

    expect(device('h800').links?.scaleUpGBs).toBe(400);
    expect(device('groq-lpu').memory).toMatchObject({ capacityGB: 0.23, bandwidthGBs: 80000 });
    expect(device('gb200').links?.scaleUpDomain).toBe(72);
  });

  it('holds at least 45 devices, with dense FP4 peaks on Blackwell, CDNA 4, Trainium3 and Ascend 950', () => {
    expect(catalog.devices.length).toBeGreaterThanOrEqual(45);
    for (const id of ['b200', 'b300', 'gb300', 'mi355x', 'mi350x', 'trainium3', 'ascend-950pr', 'dgx-spark'])
      expect(device(id).compute.denseTflops.fp4, id).toBeGreaterThan(0);
    expect(device('mi355x').compute.denseTflops.fp6).toBe(10066);
    // Dense, never sparse: NVIDIA's 1 PFLOP "with sparsity" for GB10 is stored as 500.
    expect(device('dgx-spark').compute.denseTflops.fp4).toBe(500);
  });

  it('never lists a wider format faster than a narrower one (fp8 <= fp6 <= fp4)', () => {
    const bad = catalog.devices.filter((d) => {
      const { fp8, fp6, fp4 } = d.compute.denseTflops;
      return (
        (fp8 !== undefined && fp4 !== undefined && fp8 > fp4) ||
        (fp6 !== undefined && fp4 !== undefined && fp6 > fp4)
      );
    });
    expect(bad.map((d) => d.id)).toEqual([]);
  });

  it('lists dense peaks: no bf16 peak above the fp8 peak, no fp8 on Ampere', () => {
    const inverted = catalog.devices.filter((d) => {
      const { bf16, fp8 } = d.compute.denseTflops;
      return bf16 !== undefined && fp8 !== undefined && bf16 > fp8;
    });
    expect(inverted.map((d) => d.id)).toEqual([]);
    expect(device('rtx-3090').compute.denseTflops.fp8).toBeUndefined();
  });

  it('gives every fact group a dated source', () => {
    for (const d of catalog.devices) {
      for (const group of [d.compute, d.memory, d.power, d.links]) {
        if (group) expect(group.source.date, d.id).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      }
    }
  });

  it('keeps the disputed figures as alternatives with a reason for the default', () => {
    const gaudi3Power = device('gaudi3').power;
    expect(gaudi3Power.tdpWatts).toBe(900);
    expect(gaudi3Power.alternatives?.map((a) => a.tdpWatts)).toContain(600);
    expect(gaudi3Power.choice).toBeTruthy();

    const ascend = device('ascend-910c');
    expect(ascend.compute.alternatives?.[0]?.denseTflops?.bf16).toBe(800);
    expect(ascend.compute.choice).toBeTruthy();
    expect(ascend.memory).toMatchObject({ capacityGB: 128, bandwidthGBs: 3200 });
    expect(ascend.memory.alternatives?.[0]).toMatchObject({ capacityGB: 96, bandwidthGBs: 1800 });
    expect(ascend.memory.choice).toBeTruthy();
  });

  it('says when every device and tier was last checked, never before its newest source', () => {
    for (const d of catalog.devices) {
      expect(d.checked, d.id).toBeDefined();
      const newest = [d.compute, d.memory, d.power, d.links]
        .filter((g) => g !== undefined)
        .map((g) => g.source.date)
        .sort()
        .at(-1);
      expect((d.checked ?? '') >= (newest ?? '').slice(0, 7), d.id).toBe(true);
    }
    for (const t of catalog.tiers) expect(t.checked, t.id).toBeDefined();
  });

  it('records that the H800 was sold only from March to October 2023 (export rules)', () => {
    const h800 = device('h800');
    expect(h800.availability?.from).toBe('2023-03');
    expect(h800.availability?.until).toBe('2023-10-23');
    expect(h800.availability?.source.url).toMatch(/^https:/);
    // A purchase dated 2024-01 falls after the window.
    expect('2024-01' > (h800.availability?.until ?? '')).toBe(true);
  });

  it("stores the Ascend 910C's 1,460 W as a system share, never as chip power", () => {
    const ascend = device('ascend-910c');
    expect(ascend.power.tdpWatts).toBe(1460);
    expect(ascend.power.scope).toBe('system-share');
    expect(isChipPower(ascend)).toBe(false);
    expect(powerCaveat(ascend)).toMatch(/system share/);
    expect(isChipPower(device('h100-sxm'))).toBe(true);
    expect(powerCaveat(device('h100-sxm'))).toBeUndefined();
  });

  it('shows the Ascend 910B as the range its sources give, not one value', () => {
    const r = deviceFactRanges(device('ascend-910b'));
    expect(r.bf16Tflops).toMatchObject({ low: 280, high: 320 });
    expect(r.bandwidthGBs).toMatchObject({ low: 400, high: 1200 });
    expect(r.capacityGB).toMatchObject({ low: 32, high: 64 });
    expect(r.tdpWatts).toMatchObject({ low: 310, high: 350 });
    expect(deviceFactRanges(device('h100-sxm')).bf16Tflops).toMatchObject({
      low: 989.5,
      high: 989.5,
      sources: 1,
    });
  });

  it('labels the TPU v5e/v5p/v6e power figures as estimates', () => {
    for (const id of ['tpu-v5e', 'tpu-v5p', 'tpu-v6e']) {
      expect(device(id).power.estimated, id).toBe(true);
      expect(powerCaveat(device(id)), id).toMatch(/ESTIMATE/);
    }
    expect(device('tpu-v4').power.estimated).toBeUndefined();
  });

  it('names the file, the entry and the field when a hardware file is invalid', () => {
    const broken: TextFile = {
      path: 'data/hardware/broken.yaml',
      text: [
        'version: 1',
        'devices:',
        '  - id: broken-gpu',
        '    name: Broken GPU',
        '    vendor: Nobody',
        '    class: datacenter-gpu',
        '    compute:',
        '      denseTflops: { bf16: 100 }',
        '      source: { title: t, date: 2025-01 }',
        '    memory:',
        '      capacityGB: -80',
        '      bandwidthGBs: 1000',
        '      source: { title: t, date: 2025-01 }',
        '    power:',
        '      tdpWatts: 300',
        '      source: { title: t, date: 2025-01 }',
      ].join('\n'),
    };
    expect(() => buildCatalog([broken])).toThrow(/data\/hardware\/broken\.yaml/);
    let message = '';
    try {
      buildCatalog([broken]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('data/hardware/broken.yaml:11');
    expect(message).toContain('devices[0].memory.capacityGB');
    expect(message).toContain('broken-gpu');
  });
});
