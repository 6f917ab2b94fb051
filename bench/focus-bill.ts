import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createRandom } from '@clearbox/core';

const HEADER =
  'BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeDescription,ProviderName,PublisherName,ServiceCategory,ServiceName,ResourceType,SkuId,SkuPriceId,PricingCategory,PricingQuantity,PricingUnit,ListUnitPrice,ListCost,ContractedCost,BilledCost,EffectiveCost,BillingCurrency,ResourceId,x_Stage';

const SKUS = [
  [
    'AI and Machine Learning',
    'GPU Virtual Machines',
    'GPU instance',
    'sku-h100',
    'GPU-Hours',
    3.2,
    'final-run',
  ],
  [
    'AI and Machine Learning',
    'GPU Virtual Machines',
    'GPU instance',
    'sku-h100',
    'GPU-Hours',
    3.2,
    'experiments',
  ],
  ['Compute', 'Virtual Machines', 'CPU instance', 'sku-cpu', 'Hours', 0.4, ''],
  ['Storage', 'Object storage, hot', 'Bucket', 'sku-s3', 'GB-Month', 0.02, ''],
  ['Networking', 'Data transfer', 'Egress', 'sku-egress', 'GB', 0.08, ''],
] as const;

/**
 * Writes a synthetic FOCUS 1.x cost and usage export of about `bytes` bytes (hourly rows over a year,
 * quoted descriptions with commas, a fixed seed) and returns the rows written. Real exports run to
 * gigabytes; the import must read them as a stream.
 */
export async function writeFocusBill(path: string, bytes: number, seed = 7): Promise<number> {
  const random = createRandom(seed);
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let written = HEADER.length + 1;
  let rows = 0;
  let batch = '';
  while (written < bytes) {
    const sku = SKUS[rows % SKUS.length] as (typeof SKUS)[number];
    const hour = rows % (365 * 24);
    const start = new Date(Date.UTC(2025, 0, 1) + hour * 3_600_000).toISOString();
    const end = new Date(Date.UTC(2025, 0, 1) + (hour + 1) * 3_600_000).toISOString();
    const quantity = Math.round(1 + 64 * random.nextOpen01());
    const list = (quantity * sku[5]).toFixed(4);
    const committed = rows % 3 === 0;
    const effective = (Number(list) * (committed ? 0.7 : 1)).toFixed(4);
    const line = `acct-${rows % 17},2025-01-01T00:00:00Z,2026-01-01T00:00:00Z,${start},${end},Usage,"${sku[1]} usage, hour ${hour}",ExampleCloud,ExampleCloud,${sku[0]},"${sku[1]}",${sku[2]},${sku[3]},${sku[3]}-${committed ? 'committed' : 'ondemand'},${committed ? 'Committed' : 'Standard'},${quantity},${sku[4]},${sku[5]},${list},${effective},${effective},${effective},USD,res-${rows % 997}-${(random.nextOpen01() * 1e9).toFixed(0)},${sku[6]}\n`;
    batch += line;
    written += line.length;
    rows++;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  return rows;
}
