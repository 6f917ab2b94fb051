/**
 * @clearbox/core: the map of Clearbox. Pure, browser-safe TypeScript: every engine takes plain data and
 * returns plain data whose numbers are Figures carrying their derivation.
 */

/** Figures: every number with its derivation */
export { explain, formatFigure, formatNumber } from './figure/explain.ts';
export type { Figure, FigureSpec, NamedValue } from './figure/figure.ts';
export { figure, given, isFigure, named } from './figure/figure.ts';
export type { Source } from './figure/source.ts';

/** Errors a user can cause (CLI exit 2, HTTP problem+json) */
export { ClearboxError, InputError, NotFoundError } from './errors/clearbox-error.ts';

/** Input limits and the shared number, date and option schemas of the CLI, the files and the API */
export {
  checkDepth,
  checkInputSize,
  checkTextNesting,
  DEFAULT_MAX_INPUT_BYTES,
  echo,
  formatBytes,
  isStackOverflow,
  MAX_DOCUMENT_VALUES,
  MAX_ECHO_CHARS,
  MAX_NESTING_DEPTH,
} from './input/limits.ts';
export { calendarDateProblem, calendarDateSchema, isCalendarDate } from './input/dates.ts';
export {
  finiteNumber,
  fractionOfOne,
  nonNegativeNumber,
  notFiniteMessage,
  openProbability,
  positiveNumber,
  pueNumber,
  rate,
  seedNumber,
  wholeNumber,
} from './input/numbers.ts';
export { checkOptions } from './input/check.ts';
export {
  inferenceOptionFlags,
  inferenceOptionsSchema,
  trainingOptionFlags,
  trainingOptionsSchema,
} from './estimate/options-schema.ts';
export {
  logOptionFlags,
  logOptionsSchema,
  overlapOptionFlags,
  overlapOptionsSchema,
} from './investigate/options-schema.ts';

/** Catalog: schemas, parsing with file:line:field errors, lookup with closest ids, dated exchange rates */
export * from './catalog/schema.ts';
export * from './catalog/calibration-schema.ts';
export * from './catalog/engine-schema.ts';
export * from './catalog/price-schema.ts';
export type { TextFile, ValidationIssue } from './catalog/parse.ts';
export { parseDocumentWith, parseYamlOrJson, validateWith } from './catalog/parse.ts';
export type { Catalog, CatalogSection } from './catalog/catalog.ts';
export {
  buildCatalog,
  emptyCatalog,
  findDevice,
  findModel,
  findPrice,
  findTier,
  sectionOf,
} from './catalog/catalog.ts';
export type { CalibrationData } from './catalog/calibration-data.ts';
export { buildCalibration, emptyCalibration } from './catalog/calibration-data.ts';
export { closestIds } from './catalog/closest.ts';
export { fxRate } from './catalog/fx.ts';
export type { CatalogTable, EntryFreshness, RecalledFact, TableAsOf } from './catalog/freshness.ts';
export { catalogFreshness, recalledFacts, staleEntries, tablesAsOf } from './catalog/freshness.ts';
export type { FactRange } from './catalog/ranges.ts';
export { deviceFactRanges, factRange } from './catalog/ranges.ts';
export { devicePowerFigure, isChipPower, powerCaveat } from './estimate/power.ts';

/** Bring your own model: Hugging Face config.json and GGUF headers */
export type {
  GgufArray,
  GgufHeader,
  GgufModel,
  GgufModelOptions,
  GgufReadOptions,
  GgufScalar,
  GgufTensorInfo,
  GgufValue,
  GgufValueTypeName,
} from './catalog/gguf.ts';
export { ggmlBitsPerWeight, modelFromGguf, readGgufHeader } from './catalog/gguf.ts';
export type { HfConfigOptions } from './catalog/hf-config.ts';
export { modelFromHfConfig } from './catalog/hf-config.ts';

/** Estimate: the physics of training and inference, calibrated */
export type {
  CalibrationSource,
  EfficiencyFit,
  Estimator,
  FitCache,
  FittedConstants,
} from './estimate/estimator.ts';
export { createEstimator, fitConstants } from './estimate/estimator.ts';
export {
  packFittedConstants,
  packSharedLists,
  unpackFittedConstants,
  unpackSharedLists,
} from './estimate/fitted-constants.ts';
export type { ParameterCounts } from './estimate/parameters.ts';
export { countParameters, linearAttentionParams, moeLayerCount } from './estimate/parameters.ts';
export {
  attendedTokens,
  attentionFlopsPerToken,
  attentionLayerCount,
  kvElementsPerToken,
  kvElementsPerTokenPerLayer,
  recurrentStateElementsPerSequence,
} from './estimate/attention.ts';
export { expectedDistinctExperts } from './estimate/experts.ts';
export { type FormatPlan, formatPlan } from './estimate/format-plan.ts';
export {
  bytesPerWeight,
  type ComputePath,
  computePathFor,
  effectiveComputeDtype,
  headBytesPerWeight,
  kvFormatBytes,
  weightFormatFromGguf,
  weightFormats,
} from './estimate/precision.ts';
export type { InferenceEstimate, InferenceOptions, OffloadSpec } from './estimate/inference.ts';
export {
  estimateInference,
  formatOffload,
  kernelModel,
  maxBatchThatFits,
  parseOffload,
  resolveInference,
  runResolved,
  schedulerLimits,
  servingCurveFor,
  servingLimitsFor,
  stepTimesFor,
  usableCapacityBytes,
} from './estimate/inference.ts';
export type {
  ServingCap,
  ServingLimits,
  ServingPointNumbers,
  ServingWorkload,
  SpeculativeDecoding,
  StepTimes,
} from './estimate/serving-curve.ts';
export { mixedStepSeconds, servingCurve, servingPoint, tokensPerStep } from './estimate/serving-curve.ts';
export type { ServingCurvePoint, ServingEstimate, ServingPoint } from './estimate/serving-estimate.ts';
export {
  checkConcurrency,
  checkMtpAcceptance,
  DEFAULT_CONCURRENCY,
  estimateServing,
  parseConcurrencyList,
} from './estimate/serving-estimate.ts';
export type {
  Bound,
  KernelHardware,
  KernelModel,
  KernelOffload,
  KernelResult,
  KernelWorkload,
  OperatorTime,
} from './estimate/inference-kernel.ts';
export {
  boundNames,
  decodeOperators,
  operatorNames,
  prefillOperators,
  OFFLOAD_CPU_LAYERS,
  OFFLOAD_NONE,
  OFFLOAD_STREAM,
  runInferenceKernel,
} from './estimate/inference-kernel.ts';
export type { TrainingDtype, TrainingEstimate, TrainingOptions } from './estimate/training.ts';
export {
  estimateTraining,
  gpuHoursFor,
  impliedMfu,
  trainingAttentionFlops,
  trainingFlops,
  trainingMemoryPerGpu,
  trainingStateBytesPerGpu,
} from './estimate/training.ts';
export type { TrainingMfuEntry, TrainingMfuTable } from './estimate/training-mfu.ts';
export { fitTrainingMfu, median, trainingMfuFor } from './estimate/training-mfu.ts';
export type { Efficiency, EfficiencyEntry, EfficiencyTable } from './estimate/efficiency.ts';
export {
  efficiencyFor,
  efficiencyPriors,
  type PathFactor,
  pathFactorFor,
  pathFactorPriors,
  prefillAttentionFor,
  prefillAttentionPriors,
  priorTable,
} from './estimate/efficiency.ts';
export type { CalibrationCheck } from './estimate/calibration.ts';
export { checkCalibration, fitEfficiencies, predictPoint } from './estimate/calibration.ts';
export { eagerHostLayerSeconds, engineClassIdOf, resolveEngineClass } from './estimate/engine-class.ts';
/** Engine releases: the kernel path each runs per operator, and the factors they put on the step. */
export {
  compareVersions,
  findRelease,
  type ReleaseKernels,
  type ReleasePath,
  referenceRelease,
  releaseKernels,
  releasesOf,
} from './estimate/engine-release.ts';
export type {
  ClassError,
  ErrorGroup,
  FamilyError,
  FamilyHeldOutPoint,
  FamilyHeldOutReport,
} from './estimate/family-holdout.ts';
export {
  FAMILY_ERROR_FLAG,
  familyOf,
  leaveOneFamilyOut,
  modelKindOf,
} from './estimate/family-holdout.ts';
export { higherIsFaster, pointMetricValue } from './estimate/point-metric.ts';
export type { TrainingCheck, ValidationReport } from './estimate/validate.ts';
export {
  calibrationClassOf,
  validateByFamily,
  validateCalibration,
} from './estimate/validate.ts';

/** Reports: self-contained HTML (no script, no network) */
export type { HtmlPage, HtmlSection } from './report/html.ts';
export { escapeHtml, figureHtml, htmlTable, renderHtmlPage, svgBarChart } from './report/html.ts';

/** Pillar: API prices (price list, USD at dated rates, ratio and change comparisons, LiteLLM import) */
export { bundledGenaiLayer, bundledGenaiProviders, genaiPricesPackage } from './prices/bundled-genai.ts';
export type { PriceCompareOptions } from './prices/compare.ts';
export { priceChange, priceRatio } from './prices/compare.ts';
export type {
  GenaiImport,
  GenaiModel,
  GenaiModelPrices,
  GenaiOrigin,
  GenaiProvider,
  GenaiSkipped,
} from './prices/genai-prices.ts';
export { genaiDataSchema, genaiMatches, importGenaiPrices, parseGenaiData } from './prices/genai-prices.ts';
export { jsonSyntaxError, lineColumn, parseJsonFile } from './prices/json-position.ts';
export type {
  ComparedSide,
  GenaiLayer,
  ModelMatcher,
  PriceConflict,
  PriceLayering,
} from './prices/layers.ts';
export { layerCatalogPrices, matcherFor, overlayPrices } from './prices/layers.ts';
export type { LitellmBadRow, LitellmImport, LitellmImportOptions, LitellmSkipped } from './prices/litellm.ts';
export { importLitellm, litellmPriceYaml, slugifyPriceId } from './prices/litellm.ts';
export type { PriceComparison, PriceFilter, PriceRow } from './prices/listing.ts';
export { buyerComparisons, priceRow, priceTable } from './prices/listing.ts';
export type { PriceRef, PriceSide, ResolvedRef } from './prices/side.ts';
export {
  DEFAULT_BLEND_WEIGHT,
  priceSideUsd,
  priceSides,
  priceSideValue,
  priceSource,
  resolvePriceRef,
} from './prices/side.ts';

/** Pillar: Decide (API vs self-hosting for a workload: plan search, break-even, sensitivity) */
export type { ApiPlan, MonthlyTokens } from './decide/api-cost.ts';
export { apiMonthlyUsd, apiPlan, monthlyTokens, pricesInForce, windowShare } from './decide/api-cost.ts';
export type { CostAssumptions } from './decide/assumptions.ts';
export { costAssumptions } from './decide/assumptions.ts';
export type { BreakEven } from './decide/break-even.ts';
export { breakEven } from './decide/break-even.ts';
export type { DecideOptions, DecideResult, Plan, RunnerUp, SensitivityRow } from './decide/decide.ts';
export { acceptableModels, decide } from './decide/decide.ts';
export type { Acquisition } from './decide/device-cost.ts';
export { deviceMonthlyFigure, deviceMonthlyUsd } from './decide/device-cost.ts';
export { paretoFrontier } from './decide/frontier.ts';
export type {
  Candidate,
  EvaluatedPlans,
  GroupOutcome,
  PlanPricing,
  PlanSummary,
  RankedConfigurations,
  SearchOptions,
  SearchResult,
  SearchStats,
} from './decide/plan-search.ts';
export { evaluatePlans, searchPlans, summarizePlans } from './decide/plan-search.ts';
export { maxUtilizationForWait, meanQueueWaitSeconds, replicasFor } from './decide/queueing.ts';
export type { SelfHostPlan } from './decide/self-host-plan.ts';
export type { Workload } from './decide/workload.ts';
export { renderDecideHtml, renderDecideMarkdown } from './decide/report.ts';
export { parseWorkload, workloadSchema, workloadSchemaFor } from './decide/workload.ts';
export type { DecideCommandOptions } from './decide/options-schema.ts';
export { DEFAULT_DECIDE_TOP, decideOptionFlags, decideOptionsSchema } from './decide/options-schema.ts';

/** Pillar: Audit (claims, checks, verdicts) and Watch (signals and threshold rules) */
export type { AuditReport } from './audit/audit.ts';
export type { ClaimOrigin } from './audit/audit.ts';
export { auditClaims, claimResult, runCheck } from './audit/audit.ts';
export type { Check, CheckKind, CheckOf, Claim, ClaimIds } from './audit/claim-schema.ts';
export {
  checkKinds,
  claimedSchema,
  claimSchema,
  claimsFileSchema,
  hardwareMetrics,
} from './audit/claim-schema.ts';
export type { Claimed, ClaimedMatch, Hedge } from './audit/claimed.ts';
export {
  claimedInterval,
  describeClaimed,
  HEDGE_TOLERANCE,
  hedges,
  matchClaimed,
  sensitivityLine,
} from './audit/claimed.ts';
export type { AuditContext } from './audit/context.ts';
export { auditContext } from './audit/context.ts';
export type { MfuBand } from './audit/mfu-band.ts';
export { MFU_CEILING_FACTOR, MFU_FLOOR_DIVISOR, mfuBand } from './audit/mfu-band.ts';
export type { ParsedClaims } from './audit/parse-claims.ts';
export { claimsTextFromLine, parseClaims } from './audit/parse-claims.ts';
export { auditHtml, auditMarkdown, verdictStyle } from './audit/render.ts';
export type {
  CheckOutcome,
  ClaimResult,
  ClaimSubject,
  Qualifier,
  QualifierId,
  Verdict,
} from './audit/verdict.ts';
export { claimSubjects, qualifierIds, subjectText, verdicts } from './audit/verdict.ts';
export { parseSeriesCsv } from './watch/csv-series.ts';
export type { Firing, RuleKind } from './watch/rules.ts';
export { describeRule, evaluateRule } from './watch/rules.ts';
export type { Point, Rule, Severity, Signal } from './watch/signal-schema.ts';
export { signalsFileSchema } from './watch/signal-schema.ts';
export type { ReadSeriesFile, RuleResult, WatchReport } from './watch/watch.ts';
export { watchSignals } from './watch/watch.ts';

/** Pillar: investigate (distillation evidence: log statistics, output overlap tests, synthetic data) */
export type { Corpus, CorpusRecord } from './investigate/corpus.ts';
export { parseCorpus } from './investigate/corpus.ts';
export { binomialUpperTail, clopperPearson } from './investigate/binomial.ts';
export { ConformalReference, combinedScore } from './investigate/conformal.ts';
export type { Cluster, LinkRules } from './investigate/coordination.ts';
export { DisjointSets, linkAccounts } from './investigate/coordination.ts';
export { fisherExactGreater } from './investigate/fisher-exact.ts';
export type { KsUniformResult } from './investigate/ks-test.ts';
export { ksUniform } from './investigate/ks-test.ts';
export type { ScoreDriver, ScoredUnit } from './investigate/extraction-score.ts';
export { extractionScore, scoreDrivers } from './investigate/extraction-score.ts';
export type {
  AccountStats,
  FeatureDefinition,
  FeatureFamily,
  FeatureId,
  FeatureVector,
} from './investigate/log-features.ts';
export {
  burstiness,
  featureDefinitions,
  featuresOf,
  TEMPLATE_BAND_ROWS,
  TEMPLATE_BANDS,
  TOPIC_BUCKETS,
} from './investigate/log-features.ts';
export type {
  CalibrationSummary,
  FeatureEvidence,
  LogInvestigation,
  LogInvestigationOptions,
  TestedUnit,
} from './investigate/log-investigation.ts';
export { defaultLogOptions, investigateLogs } from './investigate/log-investigation.ts';
export {
  benjaminiHochberg,
  type HierarchicalTest,
  hierarchicalBh,
  holm,
  simes,
  type TestFamily,
} from './investigate/multiple-testing.ts';
export type { CampaignProfileId, DetectableSize, PowerProfile, PowerStatement } from './investigate/power.ts';
export { campaignFeatures, powerStatement } from './investigate/power.ts';
export {
  containment,
  intersectionSize,
  ngramKeys,
  normaliseWords,
  toSortedSet,
  unionSets,
  wordIds,
} from './investigate/ngram-hash.ts';
export type { OverlapOptions, OverlapResult, OverlapTest, OverlapTestId } from './investigate/overlap.ts';
export { defaultOverlapOptions, investigateOverlap } from './investigate/overlap.ts';
export type { CorporaSpec, SynthCorpora } from './investigate/synth-corpora.ts';
export { defaultCorporaSpec, generateCorpora, syntheticTeacherNames } from './investigate/synth-corpora.ts';
export type { AccountKind, LogRow, SynthTraffic, TrafficSpec } from './investigate/synth-traffic.ts';
export { attackerKinds, defaultTrafficSpec, generateTraffic } from './investigate/synth-traffic.ts';
export type { WatermarkOptions, WatermarkScore } from './investigate/watermark.ts';
export { isGreen, scoreWatermark } from './investigate/watermark.ts';
export { renderLogsReportHtml, renderOverlapReportHtml } from './investigate/evidence-report.ts';
export type {
  LogEngineName,
  LogField,
  LogsReport,
  LogsSampleRow,
  LogTimestampUnit,
} from './investigate/logs-report.ts';

/** Pillar: Disclose — the AI cost disclosure format, accounting bases, completeness, cross-checks, reports */
export type { BasisId, BasisPlan, BasisTerm } from './disclose/bases.ts';
export { BASIS_IDS, planBases } from './disclose/bases.ts';
export type { DisclosureComparison } from './disclose/compare.ts';
export { compareDisclosures, parseBasisId } from './disclose/compare.ts';
export type {
  Completeness,
  DisclosureFlag,
  FlagId,
  StageCompleteness,
  StageStatus,
} from './disclose/completeness.ts';
export { completenessOf, flagsOf } from './disclose/completeness.ts';
export type { Finding, Severity as FindingSeverity } from './disclose/cross-checks.ts';
export { crossCheck } from './disclose/cross-checks.ts';
export type { CsvRow } from './disclose/csv.ts';
export { CsvReader, MAX_CSV_CELLS, MAX_CSV_FIELD_CHARS, parseCsv } from './disclose/csv.ts';
export {
  ECONOMIC_DEPRECIATION_PER_YEAR,
  economicPerGpuHour,
  straightLinePerGpuHour,
} from './disclose/depreciation.ts';
export type { FocusImportOptions, FocusImportResult, MalformedRows } from './disclose/focus.ts';
export { disclosureToYaml, FocusImporter, importFocus } from './disclose/focus.ts';
export { renderDisclosureHtml, STAGE_COLOURS, stackedBasisChart } from './disclose/html.ts';
export {
  DISCLOSURE_SCHEMA_ID,
  disclosureJsonSchema,
  disclosureJsonSchemaText,
} from './disclose/json-schema.ts';
export { renderDisclosureMarkdown } from './disclose/markdown.ts';
export type { MonteCarloOptions, Percentiles } from './disclose/monte-carlo.ts';
export { simulateBases } from './disclose/monte-carlo.ts';
export type { DisclosureIssue } from './disclose/parse.ts';
export { parseDisclosure, parseDisclosureData, validateDisclosure } from './disclose/parse.ts';
export type { BasisResult, DisclosureReport, DisclosureReportOptions } from './disclose/report.ts';
export { evaluateDisclosure } from './disclose/report.ts';
export type { ResolvedDisclosure, ResolvedItem } from './disclose/resolve.ts';
export { resolveDisclosure } from './disclose/resolve.ts';
export type { Disclosure, DisclosureItem, Stage } from './disclose/schema.ts';
export { disclosureSchema, STAGES, UNITS } from './disclose/schema.ts';
export { DISCLOSURE_TEMPLATE } from './disclose/template.ts';
export {
  disclosureCompareOptionsSchema,
  disclosureOptionFlags,
  disclosureReportOptionsSchema,
  focusImportOptionsSchema,
} from './disclose/options-schema.ts';
export type { Rng } from './random/distributions.ts';
export { createRng } from './random/distributions.ts';
export type { Random } from './random/xoshiro128.ts';
export { createRandom } from './random/xoshiro128.ts';
export { normalQuantile } from './random/normal.ts';
export type {
  ProseAccountKind,
  ProseCampaign,
  ProseRow,
  ProseTraffic,
  ProseTrafficOptions,
} from './investigate/synth-traffic-prose.ts';
export { defaultProseTrafficOptions, generateProseTraffic } from './investigate/synth-traffic-prose.ts';
