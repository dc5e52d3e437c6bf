/**
 * Application ecosystems as peers of one shape (types.ts). The pipeline asks
 * each for a plan and the SBOM asks each to scan files; neither names one.
 */
import type { AppPlan, Ecosystem, PlanInput } from './types.js';
import { python } from './python/index.js';
import { npm } from './npm/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';

export const ECOSYSTEMS: readonly Ecosystem[] = [python, npm, go, maven];

/** Every ecosystem's plan for the config (those it does not use give none). */
export async function planApplications(input: PlanInput): Promise<AppPlan[]> {
  const plans: AppPlan[] = [];
  for (const e of ECOSYSTEMS) {
    const p = await e.plan?.(input);
    if (p) plans.push(p);
  }
  return plans;
}

export { fetchArtifacts } from './fetch.js';
export { lockedArtifacts } from './types.js';
export type {
  LockedArtifact,
  AppArtifact,
  AppComponent,
  AppPlan,
  Ecosystem,
  EcosystemId,
  InstallResult,
  PlanInput,
  RuntimeFacts,
} from './types.js';
