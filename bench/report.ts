// Rendering BENCHMARKS.md. Each benchmark's section sits between marker comments that also carry its summary
// line as JSON, so a run of a few benchmarks (`--only`) replaces just their sections and the summary table is
// rebuilt from every section present.
import type { BenchResult, Benchmark, Mode, Table } from './benchmark.js';
import type { Machine } from './machine.js';

export interface SectionRun {
  readonly bench: Benchmark;
  readonly result: BenchResult;
  readonly mode: Mode;
  readonly rounds: number;
  readonly date: string;
  readonly loadAverage: number;
  readonly seconds: number;
}

interface SectionMeta {
  readonly name: string;
  readonly title: string;
  readonly target: string;
  readonly measured: string;
  readonly verdict: string;
  readonly date: string;
  readonly mode: Mode;
}

interface Section {
  readonly meta: SectionMeta;
  readonly text: string;
}

const BEGIN = /<!-- bench:begin (\S+) (\{.*\}) -->/;

function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderTable(t: Table): string {
  const lines = [];
  if (t.title !== undefined) lines.push(`**${t.title}**`, '');
  lines.push(`| ${t.head.map(escapeCell).join(' | ')} |`);
  lines.push(`| ${t.head.map(() => '---').join(' | ')} |`);
  for (const row of t.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
}

function renderSection(run: SectionRun): Section {
  const { bench, result } = run;
  const meta: SectionMeta = {
    name: bench.name, title: bench.title, target: bench.target, measured: result.measured, verdict: result.verdict,
    date: run.date, mode: run.mode,
  };
  const parts = [
    `<!-- bench:begin ${bench.name} ${JSON.stringify(meta)} -->`,
    `## \`${bench.name}\`: ${bench.title}`,
    '',
    `**Target:** ${bench.target} — **measured:** ${result.measured} — **${result.verdict}**`,
    '',
    `*Run ${run.date} in ${run.mode} mode, ${run.rounds} rounds, took ${run.seconds.toFixed(0)} s; load average at start ${run.loadAverage}.*`,
    '',
    `**What is measured.** ${result.what}`,
    '',
    `**How.** ${result.how}`,
    '',
    ...result.tables.flatMap((t) => [renderTable(t), '']),
    ...result.notes.flatMap((n) => [n, '']),
    `<!-- bench:end ${bench.name} -->`,
  ];
  return { meta, text: parts.join('\n') };
}

/** The sections of an existing BENCHMARKS.md, in file order. */
function parseSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let from = 0;
  for (;;) {
    const start = markdown.indexOf('<!-- bench:begin ', from);
    if (start < 0) return sections;
    const m = BEGIN.exec(markdown.slice(start, markdown.indexOf('\n', start)));
    if (m === null) return sections;
    const endMarker = `<!-- bench:end ${m[1]} -->`;
    const end = markdown.indexOf(endMarker, start);
    if (end < 0) return sections;
    sections.push({ meta: JSON.parse(m[2]!) as SectionMeta, text: markdown.slice(start, end + endMarker.length) });
    from = end + endMarker.length;
  }
}

function renderMachine(m: Machine): string {
  return renderTable({
    head: ['', ''],
    rows: [
      ['CPU', m.cpuModel], ['cores', String(m.cores)], ['memory', `${m.memoryGiB} GiB`], ['OS', m.os], ['Node.js', m.node],
      ['OpenSSL', m.openssl], ['SQLite', m.sqlite], ['date', m.date], ['load average at start', String(m.loadAverage)],
    ],
  });
}

/**
 * The whole BENCHMARKS.md: header, machine, summary and one section per benchmark. Sections of `previous` that
 * this run did not redo are kept (each carries its own run date); `order` fixes the section order.
 */
export function renderReport(machine: Machine, runs: readonly SectionRun[], order: readonly string[], previous?: string): string {
  const byName = new Map<string, Section>();
  for (const s of previous === undefined ? [] : parseSections(previous)) byName.set(s.meta.name, s);
  for (const run of runs) byName.set(run.bench.name, renderSection(run));
  const sections = order.map((n) => byName.get(n)).filter((s): s is Section => s !== undefined);
  const kept = sections.filter((s) => !runs.some((r) => r.bench.name === s.meta.name));
  const summary = renderTable({
    head: ['benchmark', 'target', 'measured', 'verdict', 'run'],
    rows: sections.map((s) => [`\`${s.meta.name}\``, s.meta.target, s.meta.measured, `**${s.meta.verdict}**`, `${s.meta.date.slice(0, 10)} (${s.meta.mode})`]),
  });
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`); rerun it rather than editing this file. Targets come from the issues and are',
    'checked here, never by timed unit tests. Every figure is a median (or a percentile) over several rounds taken in one run;',
    'ratios compare values from the same run.',
    '',
    '```sh',
    'npm run bench                              # default suite (< 10 minutes), rewrites this file',
    'npm run bench -- --only ledger-proofs      # one benchmark; replaces only its section',
    'npm run bench -- --quick                   # smoke run (< 1 minute), prints results, writes nothing unless --out',
    'npm run bench -- --full                    # adds the 10^7-leaf proof tree when the default run skips it',
    '```',
    '',
    '## Machine',
    '',
    renderMachine(machine),
    '',
    '**The machine was shared.** Other engineers were running test suites on the same 2 cores during the run, so single',
    'timings are noisy; that is why every result is the median of several rounds and p99 values should be read as upper',
    'bounds. Sections kept from an earlier run show their own date.',
    ...(kept.length > 0 ? ['', `Sections not rerun this time: ${kept.map((s) => `\`${s.meta.name}\``).join(', ')}.`] : []),
    '',
    '## Summary',
    '',
    summary,
    '',
    ...sections.flatMap((s) => [s.text, '']),
  ].join('\n');
}

/** One line per result for the terminal. */
export function consoleSummary(runs: readonly SectionRun[]): string {
  return runs.map((r) => `${r.result.verdict.padEnd(12)} ${r.bench.name.padEnd(16)} ${r.result.measured} (target ${r.bench.target})`).join('\n');
}
