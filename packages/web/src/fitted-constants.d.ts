/** The estimator's constants fitted at build time (tools/fitted-constants-plugin.ts), packed as text. */
declare module 'virtual:clearbox-fitted-constants' {
  const packed: string;
  export default packed;
}
