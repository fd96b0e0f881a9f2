/** Markdown tables of outcomes. */
import { type Outcome, outcomeNote, summarize } from './measure.js';
import { fmt } from './stats.js';

export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One row per scenario: MiB/s median, min–max, peak RSS. */
export function speedTable(outcomes: readonly (Outcome | undefined)[]): string[] {
  const lines = [
    '| scenario | MiB/s (median) | MiB/s min–max | peak RSS MiB (median / max) | runs |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    const label = cell(outcome.scenario.label);
    const summary = summarize(outcome);
    const note = outcomeNote(outcome);
    if (summary === undefined) {
      lines.push(`| ${label} | ${cell(note ?? '—')} | | | 0 |`);
      continue;
    }
    const partial = note === undefined && outcome.error !== undefined ? ' (later run failed)' : '';
    lines.push(
      `| ${label} | ${fmt(summary.mibps)}${partial} | ${fmt(summary.minMibps)}–${fmt(summary.maxMibps)} | ${fmt(summary.rssMiB)} / ${fmt(summary.maxRssMiB)} | ${summary.runs} |`,
    );
  }
  return lines;
}

/** One row per scenario: uploads/s median, peak RSS. */
export function uploadsTable(outcomes: readonly (Outcome | undefined)[]): string[] {
  const lines = [
    '| scenario | uploads/s (median) | peak RSS MiB (median / max) | runs |',
    '|---|---:|---:|---:|',
  ];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    const summary = summarize(outcome);
    if (summary === undefined) {
      lines.push(
        `| ${cell(outcome.scenario.label)} | ${cell(outcomeNote(outcome) ?? '—')} | | 0 |`,
      );
      continue;
    }
    lines.push(
      `| ${cell(outcome.scenario.label)} | ${fmt(summary.uploadsPerSecond)} | ${fmt(summary.rssMiB)} / ${fmt(summary.maxRssMiB)} | ${summary.runs} |`,
    );
  }
  return lines;
}

export interface Ratio {
  name: string;
  /** numerator / denominator, undefined when either is missing */
  value: number | undefined;
  /** The median of the same ratio taken round by round (see ratios.ts), for reading only. */
  paired: number | undefined;
  /** e.g. 0.95 for "≥ 95 %", 3 for "≥ 3×"; undefined when no target is stated */
  target: number | undefined;
  /** how the value is shown: percent or times */
  unit: '%' | '×';
  detail: string;
}

function show(value: number, unit: '%' | '×'): string {
  return unit === '%' ? `${fmt(value * 100)} %` : `${fmt(value, 2)}×`;
}

export function ratioTable(ratios: readonly Ratio[]): string[] {
  const lines = [
    '| ratio | value | paired | target | verdict | from |',
    '|---|---:|---:|---:|---|---|',
  ];
  for (const r of ratios) {
    const value = r.value === undefined ? '—' : show(r.value, r.unit);
    const paired = r.paired === undefined ? '—' : show(r.paired, r.unit);
    const target = r.target === undefined ? 'none stated' : `≥ ${show(r.target, r.unit)}`;
    let verdict = 'info';
    if (r.value === undefined) verdict = 'NOT MEASURED';
    else if (r.target !== undefined) verdict = r.value >= r.target ? 'PASS' : 'MISS';
    lines.push(
      `| ${cell(r.name)} | ${value} | ${paired} | ${target} | ${verdict} | ${cell(r.detail)} |`,
    );
  }
  return lines;
}
