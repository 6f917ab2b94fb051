import { type Feature, fillHistogram, num } from './feature.ts';

/**
 * Active days, inter-arrival gaps (count, mean, population sd) and requests per hour of day (UTC), all
 * from each account's ordered timestamps (L1 per day, L6 gap regularity, hour entropy). The gaps are
 * whole milliseconds; their mean is exact ((last - first) / n) and the sd sums squared deviations from
 * it (not sum g^2 - mean^2, which cancels catastrophically for machine-regular traffic).
 */
export const timing: Feature = {
  id: 'timing',
  sql: {
    duckdb: {
      // One sorted list per account, not an aggregate per row per statistic.
      aggregates: () => ['list_sort(list(ts_ms)) AS ts_list'],
      derived: [
        'list_transform(list_slice(ts_list, 2, len(ts_list)), (x, i) -> x - ts_list[i]) AS gaps',
        // Equal timestamps within an account (zero gaps): exact duplicate rows are possible only then.
        'len(list_filter(gaps, g -> g = 0)) AS repeated_ts',
        // Once: the keys and the counts are two outputs of one histogram.
        "list_aggregate([x // 3600000 % 24 FOR x IN ts_list], 'histogram') AS hour_histogram",
      ],
      scratch: ['ts_list', 'gaps', 'hour_histogram'],
      outputs: [
        'CAST(len(list_distinct([x // 86400000 FOR x IN ts_list])) AS DOUBLE)',
        'CAST(len(gaps) AS DOUBLE)',
        'CASE WHEN len(gaps) > 0 THEN CAST(ts_list[-1] - ts_list[1] AS DOUBLE) / len(gaps) ELSE 0 END',
        'CASE WHEN len(gaps) > 0 THEN sqrt(list_sum(list_transform(gaps, g -> pow(g - CAST(ts_list[-1] - ts_list[1] AS DOUBLE) / len(gaps), 2))) / len(gaps)) ELSE 0 END',
        'CAST(map_keys(hour_histogram) AS VARCHAR)',
        'CAST(map_values(hour_histogram) AS VARCHAR)',
      ],
    },
    clickhouse: {
      aggregates: () => [
        'arraySort(groupArray(ts_ms)) AS ts_list',
        'sumMap([toInt64(intDiv(ts_ms, 3600000) % 24)], [toUInt64(1)]) AS hour_histogram',
      ],
      derived: ['arrayPopFront(arrayDifference(ts_list)) AS gaps', 'countEqual(gaps, 0) AS repeated_ts'],
      scratch: ['ts_list', 'gaps', 'hour_histogram'],
      outputs: [
        'toFloat64(length(arrayDistinct(arrayMap(x -> intDiv(x, 86400000), ts_list))))',
        'toFloat64(length(ts_list) - 1)',
        'if(length(ts_list) > 1, toFloat64(ts_list[-1] - ts_list[1]) / (length(ts_list) - 1), 0)',
        'if(length(gaps) > 0, sqrt(arraySum(arrayMap(g -> pow(toFloat64(g) - toFloat64(ts_list[-1] - ts_list[1]) / length(gaps), 2), gaps)) / length(gaps)), 0)',
        'toString(hour_histogram.1)',
        'toString(hour_histogram.2)',
      ],
    },
  },
  readOutputs(stats, [days, gapCount, gapMean, gapSd, hourKeys, hourCounts]) {
    stats.activeDays = num(days);
    stats.gapCount = num(gapCount);
    stats.gapMean = stats.gapCount > 0 ? num(gapMean) : 0;
    stats.gapSd = stats.gapCount > 0 ? num(gapSd) : 0;
    stats.hours = new Array<number>(24).fill(0);
    fillHistogram(stats.hours, hourKeys, hourCounts);
  },
};
