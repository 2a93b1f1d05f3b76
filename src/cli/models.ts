import { userJacobian } from '../user-model/jacobian.js';
import { models } from '../models/registry.js';
import { comparePresets } from '../sweep/compare-presets.js';
import { CLASSES, cellMetrics, type Model, type Param } from '../models/types.js';
import { kSettleDefaults } from '../sweep/spec.js';

/** The model's early-exit test: its own rule, or the generic settle test (src/engine/settle.ts). */
const settleText = (m: Model) =>
  m.settle?.description ??
  `generic: ‖f(y)‖∞ ≤ tol·‖y‖∞ held from t₀ to (1 + hold)·t₀ (tol ${kSettleDefaults.tol}, hold ${kSettleDefaults.hold})`;

/** Everything `collapse-atlas models --json` prints about one model; `ref` is what a spec's `model` names it by (a model file: its path). */
export function describeModel(m: Model, ref: string = m.id) {
  const param = (p: Param) =>
    p.kind === 'choice'
      ? { id: p.id, symbol: p.symbol, label: p.label, description: p.description, kind: p.kind, options: p.options, default: p.default }
      : {
          id: p.id,
          symbol: p.symbol,
          label: p.label,
          description: p.description,
          kind: p.kind,
          default: p.default,
          ...(p.derivedAs ? { derivedAs: p.derivedAs } : {}),
          min: p.min,
          max: p.max,
          scale: p.scale,
          ...(p.units ? { units: p.units } : {}),
        };
  return {
    id: m.id,
    title: m.title,
    status: m.status,
    note: m.note,
    version: m.version,
    citation: m.citation,
    params: m.params.filter((p) => p.role === 'param').map(param),
    initial: m.params.filter((p) => p.role === 'initial').map(param),
    state: m.state,
    metrics: cellMetrics(m),
    legend: m.classes.map((id) => ({ code: CLASSES[id].code, id, label: CLASSES[id].label, color: CLASSES[id].color })),
    defaults: { integrator: { method: 'rk4', ...m.defaults }, settle: { ...kSettleDefaults } },
    settleRule: settleText(m),
    presets: m.presets.map((p) => ({ id: `${m.id}/${p.id}`, title: p.title, caption: p.caption, spec: { model: ref, ...p.spec } })),
  };
}

function paramLine(p: Param): string {
  if (p.kind === 'choice') return `    ${p.id} (${p.symbol}): ${p.label}; one of ${p.options.join(' | ')}, default ${p.default}`;
  const def = p.default === 'derived' ? `derived (${p.derivedAs})` : String(p.default);
  return `    ${p.id} (${p.symbol}): ${p.label}; default ${def}, range [${p.min}, ${p.max}] ${p.scale}${p.units ? `, ${p.units}` : ''}`;
}

/** A model given with `--model FILE`, listed after the built-in ones. */
export interface ListedFile {
  path: string;
  model: Model;
}

function citationLine(m: Model): string | undefined {
  const c = m.citation;
  if (!c.authors && !c.title) return undefined;
  return `  ${[c.authors, `"${c.title}"`, c.venue, c.arxiv ? `arXiv:${c.arxiv}` : ''].filter(Boolean).join(', ')}`;
}

export function modelsText(files: readonly ListedFile[] = []): string {
  const out: string[] = [];
  for (const m of [...models, ...files.map((f) => f.model)]) {
    const file = files.find((f) => f.model === m);
    out.push(`${m.id}: ${m.title}${m.status === 'reconstruction' ? '  [reconstruction]' : ''}${file ? `  [model file ${file.path}]` : ''}`);
    const cite = citationLine(m);
    if (cite) out.push(cite);
    out.push('  parameters:', ...m.params.filter((p) => p.role === 'param').map(paramLine));
    out.push('  initial conditions:', ...m.params.filter((p) => p.role === 'initial').map(paramLine));
    out.push(`  state: ${m.state.map((s) => `${s.id} (${s.symbol})`).join(', ')}`);
    out.push(
      `  metrics: ${cellMetrics(m)
        .map((x) => `${x.id} (${x.symbol}${x.units ? `, ${x.units}` : ''})`)
        .join(', ')}`,
    );
    out.push(`  legend: ${m.classes.map((id) => `${CLASSES[id].code} ${id}`).join(', ')}`);
    const stiff = userJacobian(m) ? '; stiff: rosenbrock23' : '';
    out.push(`  integrator defaults: rk4, dt = ${m.defaults.dt}, tEnd = ${m.defaults.tEnd} (also rk38; adaptive dp5, tsit5${stiff})`);
    out.push(`  early exit: ${settleText(m)}`);
    out.push('  presets:', ...m.presets.map((p) => `    ${m.id}/${p.id}: ${p.title} (${p.spec.x.n}×${p.spec.y.n})`), '');
  }
  out.push('comparisons (collapse-atlas compare --preset ID):', ...comparePresets.map((p) => `  ${p.id}: ${p.title}`));
  return out.join('\n');
}

export const modelsJson = (files: readonly ListedFile[] = []) =>
  JSON.stringify(
    [...models.map((m) => describeModel(m)), ...files.map((f) => ({ ...describeModel(f.model, f.path), file: f.path }))],
    null,
    2,
  );
