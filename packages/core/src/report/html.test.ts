import { describe, expect, it } from 'vitest';
import { figure, given } from '../figure/figure.ts';
import { escapeHtml, figureHtml, renderHtmlPage, svgBarChart } from './html.ts';

describe('self-contained HTML', () => {
  it('escapes user text', () => {
    expect(escapeHtml('<script>"x" & \'y\'</script>')).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    );
  });

  it('expands a figure into its derivation with sources', () => {
    const f = figure({
      name: 'cost',
      value: 5_576_000,
      unit: 'USD',
      formula: 'GPU-hours · price',
      inputs: [given('gpuHours', 2_788_000, 'GPU-h', [{ title: 'DeepSeek-V3 report', date: '2024-12' }])],
    });
    const html = figureHtml(f);
    expect(html).toContain('<details class="fig">');
    expect(html).toContain('GPU-hours · price');
    expect(html).toContain('DeepSeek-V3 report');
  });

  it('has no script and no external resource', () => {
    const page = renderHtmlPage({
      title: 'T <x>',
      sections: [{ title: 'S', html: svgBarChart([{ label: 'a', value: 1, low: 0.5, high: 2 }], 'USD') }],
    });
    expect(page).not.toMatch(/<script|<link|src="http/);
    expect(page).toContain('T &lt;x&gt;');
  });
});
