import { models as registry } from '../models/registry.js';
import type { Model, Preset } from '../models/types.js';

/** One slide of presentation mode. */
export interface PresentEntry {
  model: Model;
  preset: Preset;
}

/** The short name of a preset in a `?present=` list: its id, or the label before " · " in its title (e.g. "P1"). */
export function presetMatches(preset: Preset, name: string): boolean {
  const short = preset.title.split(' · ')[0];
  return preset.id === name || (preset.title.includes(' · ') && short.toLowerCase() === name.toLowerCase());
}

/**
 * The presets presentation mode steps through. `list` is the `?present=` value: comma-separated
 * `model/preset` pairs (preset by id or short label, `tian-l2/P1` or `tian-l2/weight-decay-threshold`),
 * or a bare `model` for all its presets. Empty or missing: every preset of every model, registry order.
 * Throws an Error naming the first entry that matches nothing.
 *
 * @example presentList('tian-l2/P1,bao-cosine') // P1, then every bao-cosine preset
 */
export function presentList(list: string | null | undefined, models: readonly Model[] = registry): PresentEntry[] {
  const all = models.flatMap((model) => model.presets.map((preset) => ({ model, preset })));
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return all;
  return names.flatMap((name) => {
    const [modelId, presetName] = name.split('/');
    const model = models.find((m) => m.id === modelId);
    if (!model) throw new Error(`present: unknown model "${modelId}" in "${name}" (known: ${models.map((m) => m.id).join(', ')})`);
    if (presetName === undefined) return model.presets.map((preset) => ({ model, preset }));
    const preset = model.presets.find((p) => presetMatches(p, presetName));
    if (!preset)
      throw new Error(`present: ${model.id} has no preset "${presetName}" (known: ${model.presets.map((p) => p.id).join(', ')})`);
    return [{ model, preset }];
  });
}
