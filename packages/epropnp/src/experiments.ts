/**
 * @lacuna/epropnp/experiments: EPro-PnP's Table 1 ablation (variants A-D from one warm start)
 * on the rendered set; `npm run bench -- epropnp` runs it.
 */
export { runVariantAblation } from './experiments/variant_ablation.js';
export type { VariantAblationOptions, AblationRow } from './experiments/variant_ablation.js';
