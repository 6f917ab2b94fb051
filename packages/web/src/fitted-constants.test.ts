import { fitConstants, unpackFittedConstants } from '@clearbox/core';
import { loadShippedCalibration, loadShippedCatalog } from '@clearbox/store';
import { describe, expect, it } from 'vitest';
import { fittedConstantsPlugin } from '../tools/fitted-constants-plugin.ts';

type Hook = (id: string) => string | undefined;

describe('the build-time fit (virtual:clearbox-fitted-constants)', () => {
  it('ships exactly the constants the CLI fits from the same data', () => {
    const plugin = fittedConstantsPlugin();
    const id = (plugin.resolveId as unknown as Hook)('virtual:clearbox-fitted-constants');
    expect(id).toBeDefined();
    const code = (plugin.load as unknown as Hook)(id as string) ?? '';
    const packed = JSON.parse(code.replace(/^export default /, '').replace(/;$/, '')) as string;
    expect(unpackFittedConstants(packed)).toEqual(
      fitConstants(loadShippedCatalog(), loadShippedCalibration()),
    );
    expect((plugin.load as unknown as Hook)('some-other-module')).toBeUndefined();
    // Two whole fits (the plugin's and the CLI's): a limit on hanging, not a speed assertion.
  }, 120_000);
});
