/**
 * `clearbox disclose init`: a commented template of the format that validates as it stands, so an
 * author starts from something `clearbox disclose check` accepts and edits the numbers.
 */
export const DISCLOSURE_TEMPLATE = `# Clearbox AI cost disclosure, format version 1 (docs/disclosure-standard.md).
# JSON Schema: schema/disclosure-v1.json. Check it with: clearbox disclose check THIS_FILE
version: 1
id: my-model-2026                # lower-case id of this report
status: draft                    # draft | final | corrective (a corrective report sets corrects: <id>)
publisher:
  name: Example Lab
  confidentiality: public        # public | internal | confidential
model:
  name: Example 8B
  catalogId: llama-3.1-8b        # optional: catalog model id, so the audit counts FLOPs from the architecture
period:                          # what the disclosure covers, YYYY-MM or YYYY-MM-DD
  start: 2026-01-01
  end: 2026-03-31
currency: USD                    # default currency of the items: USD, CNY or EUR (dated rates from the catalog)
lifecycleYears: 3                # N of the lifecycle basis
boundary:                        # what is in and out of the totals: without it the report is flagged
  included: [final run, experiments, data, staff, energy, serving for the first year]
  excluded: [office space, general and administrative costs]
  notApplicable: [commercial]    # stages that do not apply; they leave the completeness score
allocationKeys:                  # how shared costs are split: each shared item names a key
  - id: pretraining-hours-share
    description: this model's share of the final pre-training GPU-hours of the models that shared the data work
    share: 0.25
quantities:                      # physics, checked against the Estimate engine
  hardware: h100-sxm             # catalog device id
  dtype: bf16                    # precision whose dense peak MFU is measured against
  gpus: 64
  wallClockDays: 12
  trainingTokens: 1.0e12
  energyMWh: 14
  pue: 1.2
items:
  # Every item: stage, class, a quantity x unitPrice or an amount, evidence and a source.
  - id: hardware-cluster
    stage: hardware
    class: commercial
    description: 64 H100 GPUs in 8 servers, owned
    quantity: 64
    unit: GPUs
    unitPrice: 30000
    priceBasis: billed
    provision: owned
    evidence: disclosed
    owned:
      acquired: 2025-06
      usefulLifeYears: 5
      residualValue: 0
      utilization: 0.8
      depreciation: straight-line  # straight-line | economic (both are always computed)
    source: { title: Purchase invoice INV-001, date: 2025-06-15 }
  - id: final-run
    stage: final-run
    class: technical
    description: Final training run; GPU-hours without a price are priced at the owned hardware's rate
    phase: pre-training
    quantity: 18000
    unit: GPU-hours
    provision: owned
    evidence: disclosed
    uncertainty: { lowFactor: 0.95, highFactor: 1.1 }
    source: { title: Cluster scheduler accounting export, date: 2026-02-01 }
  - id: experiments
    stage: experiments
    class: technical
    description: Ablations and hyperparameter search
    quantity: 30000
    unit: GPU-hours
    provision: owned
    evidence: estimated
    uncertainty: { lowFactor: 0.5, highFactor: 2 }
    source: { title: "Scheduler export, jobs tagged ablation", date: 2026-02-01 }
  - id: data-licensing
    stage: data
    class: commercial
    description: Licensed corpus, shared with three other models
    amount: 40000
    currency: EUR
    date: 2026-01-15
    priceBasis: billed
    allocation: pretraining-hours-share
    shared: true
    evidence: disclosed
    source: { title: Data licence agreement, date: 2026-01-15 }
  - id: staff
    stage: staff
    class: commercial
    description: Research and engineering staff, loaded cost
    quantity: 2.5
    unit: FTE-years
    unitPrice: 250000
    priceBasis: effective
    evidence: estimated
    uncertainty: { distribution: uniform, lowFactor: 0.8, highFactor: 1.3 }
    source: { title: HR cost centre report, date: 2026-04-01 }
  - id: energy
    stage: energy
    class: technical
    description: Electricity for the final run and experiments
    quantity: 40
    unit: MWh
    unitPrice: 120
    priceBasis: billed
    evidence: disclosed
    source: { title: "Utility bills, Jan-Mar 2026", date: 2026-04-01 }
  - id: serving
    stage: deployment
    class: technical
    description: Serving on 2 rented H100s around the clock
    quantity: 48
    unit: GPU-hours
    unitPrice: 2.5
    priceBasis: contracted
    provision: cloud-committed
    recurrence: per-day            # once | per-day | per-month | per-year
    evidence: estimated
    source: { title: "Cloud contract, 1-year commitment", date: 2026-03-01 }
`;
