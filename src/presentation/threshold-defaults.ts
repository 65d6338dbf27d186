import {
  defaultModelProfile,
  defaultSupportThreshold,
  defaultThresholdsFor,
  type ModelProfile,
} from '../app/options.js';

/**
 * The default thresholds as help text, computed from the same function the code uses
 * (`defaultThresholdsFor`), so `--help` cannot drift from what `ask` does:
 * "hybrid/flat 0.3 at 768 and 512, 0.34 at 256, 0.38 at 128; two-stage 0.4".
 */
export function describeDefaultThresholds(profile: ModelProfile = defaultModelProfile): string {
  const bySize = new Map<number, number[]>();
  for (const size of [...profile.matryoshkaDimensions].sort((left, right) => right - left)) {
    const gate = defaultThresholdsFor(profile, 'flat', size).document;
    bySize.set(gate, [...(bySize.get(gate) ?? []), size]);
  }
  const flat = [...bySize].map(([gate, sizes]) => `${gate} at ${sizes.join(' and ')}`).join(', ');
  const twoStage = defaultThresholdsFor(profile, 'two-stage', profile.nativeDimensions);
  const seed =
    twoStage.category === twoStage.document
      ? `${twoStage.document}`
      : `category ${twoStage.category}, document ${twoStage.document}`;
  return `hybrid/flat ${flat}; two-stage ${seed}`;
}

/** The support gate's defaults as help text: "0.38 at 768, 0.4 at 512, 0.44 at 256, 0.5 at 128". */
export function describeDefaultSupport(profile: ModelProfile = defaultModelProfile): string {
  return [...profile.matryoshkaDimensions]
    .sort((left, right) => right - left)
    .map((size) => `${defaultSupportThreshold(profile, size) ?? 'off'} at ${size}`)
    .join(', ');
}
