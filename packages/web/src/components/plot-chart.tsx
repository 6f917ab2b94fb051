import { useEffect, useRef, useState } from 'preact/hooks';

type PlotModule = typeof import('@observablehq/plot');

let plotModule: Promise<PlotModule> | undefined;
/** Plot (and the d3 it brings) loads only when a page draws a chart: the first page stays small. */
function loadPlot(): Promise<PlotModule> {
  plotModule ??= import('@observablehq/plot');
  return plotModule;
}

/**
 * An Observable Plot chart. `build` is a pure function from the Plot module to an SVG/figure element;
 * it reruns when `deps` change. The caption says in words what the chart shows, for screen readers
 * and for anyone who cannot see the colours.
 */
export function PlotChart({
  build,
  deps,
  caption,
  testId,
}: {
  build: (Plot: PlotModule, width: number) => Element;
  deps: unknown[];
  caption: string;
  testId: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    loadPlot().then(
      (Plot) => {
        const el = host.current;
        if (cancelled || !el) return;
        const width = Math.max(280, Math.min(640, el.clientWidth || 560));
        el.replaceChildren(build(Plot, width));
      },
      (error: unknown) => setFailed(String(error)),
    );
    return () => {
      cancelled = true;
    };
  }, deps);
  return (
    <figure class="chart" data-testid={testId}>
      <div ref={host} />
      <figcaption>{failed ? `chart unavailable: ${failed}` : caption}</figcaption>
    </figure>
  );
}
