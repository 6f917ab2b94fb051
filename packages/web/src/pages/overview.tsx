import { useMemo } from 'preact/hooks';
import { defaultEstimator } from '../catalog-data.ts';
import { FigureStat } from '../components/figure-view.tsx';
import { computeDisclosureView } from '../disclose/disclosure-view.ts';
import { referenceDisclosure } from '../disclose/reference-disclosures.ts';
import { computeTrainingView, defaultTrainingValues } from '../estimate/training-view.ts';
import { BasesTable } from './disclose.tsx';

const v3Report = 'https://arxiv.org/abs/2412.19437';

/**
 * The DeepSeek-V3 case on one screen: the famous $5.576M is GPU-hours × an assumed $2 rental rate for
 * the final run. The page recomputes it with the same engine as `clearbox estimate train` and shows
 * what it implies (MFU, energy) and what it leaves out.
 */
export function OverviewPage() {
  const view = useMemo(
    () => computeTrainingView(defaultEstimator(), { ...defaultTrainingValues, dtype: 'fp8' }),
    [],
  );
  // DeepSeek's own numbers, and the same numbers completed from public third-party estimates.
  const disclosed = useMemo(
    () => computeDisclosureView(defaultEstimator(), referenceDisclosure('deepseek-v3-disclosed')),
    [],
  );
  const reconstructed = useMemo(
    () => computeDisclosureView(defaultEstimator(), referenceDisclosure('deepseek-v3-reconstructed')),
    [],
  );
  if (!view.ok) {
    return (
      <div class="form-error" role="alert">
        {view.errors.map((e) => e.message).join('; ')}
      </div>
    );
  }
  const e = view.estimate;
  const bf16 = e.mfuByDtype.bf16;
  const fp8 = e.mfuByDtype.fp8;
  return (
    <>
      <h1>What did DeepSeek-V3 cost?</h1>
      <p class="lede">
        DeepSeek reported 2.788M H800 GPU-hours for the final training run and priced them at an assumed $2
        per GPU-hour. That is one accounting basis — the rental cost of one run — not what the model cost to
        make. Every number below is computed in your browser by Clearbox; open it to see how.
      </p>
      <div class="stats" data-testid="overview-stats">
        <FigureStat
          label="Headline: final run at $2/GPU-hour (rental basis)"
          figure={e.costUsd}
          hint="the $5.576M in the V3 technical report"
        />
        <FigureStat
          label="Reported GPU-hours (H800)"
          figure={e.gpuHours}
          hint="2,664K pre-training + 119K context extension + 5K post-training"
        />
        {fp8 && (
          <FigureStat label="Implied MFU vs FP8 dense peak" figure={fp8} hint="V3 trained mostly in FP8" />
        )}
        {bf16 && (
          <FigureStat
            label="Implied MFU vs BF16 dense peak"
            figure={bf16}
            hint="the convention most MFU figures use"
          />
        )}
        <FigureStat
          label="Training compute (6·N_active·D)"
          figure={e.flops}
          hint="37B active parameters × 14.8T tokens"
        />
        <FigureStat label="Wall-clock on 2,048 GPUs" figure={e.wallClockDays} />
        <FigureStat label="GPU energy (TDP × PUE)" figure={e.energyMWh} />
        <FigureStat label="Emissions (world-average grid)" figure={e.emissionsTonnesCo2} />
      </div>
      {reconstructed.kind === 'report' && (
        <section aria-labelledby="bases-h" data-testid="overview-bases">
          <h2 id="bases-h">The $5.576M beside every accounting basis</h2>
          <p class="muted">
            DeepSeek's disclosed numbers completed with public third-party estimates (each item says whose),
            in the reference disclosure <code>deepseek-v3-reconstructed</code>. Ranges are P10–P90 of a seeded
            Monte Carlo; open a basis to see its items. Load it in <a href="#/disclose">Disclose</a> to change
            them.
          </p>
          <BasesTable report={reconstructed.report} />
        </section>
      )}
      {disclosed.kind === 'report' && reconstructed.kind === 'report' && (
        <section aria-labelledby="complete-h" data-testid="overview-completeness">
          <h2 id="complete-h">What the completeness score says</h2>
          <div class="stats">
            <FigureStat
              label="DeepSeek's own disclosure"
              figure={disclosed.report.completeness.score}
              hint={`${disclosed.report.completeness.stages.filter((x) => x.status === 'missing').length} of ${disclosed.report.completeness.stages.length} stages missing`}
            />
            <FigureStat
              label="Completed with third-party estimates"
              figure={reconstructed.report.completeness.score}
              hint="estimated stages count half"
            />
          </div>
          {disclosed.report.flags.length > 0 && (
            <ul class="warnings">
              {disclosed.report.flags.map((f) => (
                <li key={f.id}>
                  <strong>{f.id}</strong>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <div class="columns">
        <section aria-labelledby="excl-h">
          <h2 id="excl-h">What the headline leaves out</h2>
          <blockquote>
            “Assuming the rental price of the H800 GPU is $2 per GPU hour, our total training costs amount to
            only $5.576M. Note that the aforementioned costs include only the official training of
            DeepSeek-V3, excluding the costs associated with prior research and ablation experiments on
            architectures, algorithms, or data.”
            <br />
            <a href={v3Report} rel="noreferrer noopener" target="_blank">
              DeepSeek-V3 Technical Report, arXiv 2412.19437 (2024-12-27)
            </a>
          </blockquote>
          <p>
            DeepSeek owns its GPUs (it did not rent them), so the rental figure is a notional price.
            Experiments, data, staff, the cluster's purchase and the cost of serving the model are outside it.
            Other accounting bases — owned hardware amortized, development, lifecycle — need a disclosure of
            those items; the table above computes them from a reconstruction that says where each came from.
          </p>
        </section>
        <section aria-labelledby="mfu-h">
          <h2 id="mfu-h">Is the headline plausible?</h2>
          <p>
            The reported hours imply an MFU of {fp8 ? `${(fp8.value * 100).toFixed(1)}%` : '?'} of the H800's
            FP8 dense peak ({bf16 ? `${(bf16.value * 100).toFixed(1)}%` : '?'} of its BF16 peak). Meta
            reported 38–43% of BF16 peak for Llama 3 405B on H100s (
            <a href="https://arxiv.org/abs/2407.21783" rel="noreferrer noopener" target="_blank">
              arXiv 2407.21783
            </a>
            , Table 4), so the hours are consistent with FP8 training at a careful but not extraordinary
            efficiency: the compute figure is believable; the question is what else counts as cost.
          </p>
          <p>
            Try other assumptions in the <a href="#/estimate">Estimate</a> calculators, or see the devices and
            models behind these numbers in the <a href="#/catalog">Catalog</a>.
          </p>
        </section>
      </div>
    </>
  );
}
