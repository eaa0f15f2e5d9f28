// Statistics, goals (PASS/FAIL), the printed tables and the README section.
import { readFileSync, writeFileSync } from 'node:fs';

export function summarize(samples) {
  if (samples.length === 0) return { median: null, min: null, max: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

export const round = (n, digits = 1) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);
/** Every figure of an object rounded (CPU milliseconds per request: three digits). */
export const roundAll = (figures, digits = 3) => Object.fromEntries(Object.entries(figures).map(([key, n]) => [key, round(n, digits)]));

/** Fills in `pass` and `goalText` of a finished row. */
export function judge(row) {
  const goal = row.goal;
  if (!goal || row.status !== 'ok' || (goal.maxMiB !== undefined && row.peakMiB === null)) return { ...row, pass: null, goalText: goal ? goalText(goal) : '' };
  const checks = [];
  if (goal.maxRatio !== undefined) checks.push(row.ratio !== null && row.ratio <= goal.maxRatio);
  if (goal.maxRatioTo !== undefined) checks.push(row.relativeRatio != null && row.relativeRatio <= goal.maxRatioTo.max);
  if (goal.maxMedianMs !== undefined) checks.push(row.median <= goal.maxMedianMs);
  if (goal.minRps !== undefined) checks.push(row.rps >= goal.minRps);
  if (goal.maxP99Ms !== undefined) checks.push(row.p99Ms <= goal.maxP99Ms);
  if (goal.maxMiB !== undefined) checks.push(row.peakMiB <= goal.maxMiB);
  // Measured figures (bench/lib/masking-scan.mjs): a throughput floor, a time ceiling, a ratio to another row.
  if (goal.min !== undefined) checks.push(row.value !== null && row.value >= goal.min);
  if (goal.maxMs !== undefined) checks.push(row.median !== null && row.median <= goal.maxMs);
  if (row.ratioTo) checks.push(row.ratioTo.ratio <= row.ratioTo.max);
  return { ...row, pass: checks.every(Boolean), goalText: goalText(goal) };
}

function goalText(goal) {
  const parts = [];
  if (goal.maxRatio !== undefined) parts.push(`≤ ${goal.maxRatio}×`);
  if (goal.maxRatioTo !== undefined) parts.push(`≤ ${goal.maxRatioTo.max}× ${goal.maxRatioTo.id}`);
  if (goal.maxMedianMs !== undefined) parts.push(`median ≤ ${goal.maxMedianMs} ms`);
  if (goal.minRps !== undefined) parts.push(`≥ ${goal.minRps.toLocaleString('en-US')}/s`);
  if (goal.maxP99Ms !== undefined) parts.push(`p99 ≤ ${goal.maxP99Ms} ms`);
  if (goal.maxMiB !== undefined) parts.push(`≤ ${goal.maxMiB} MiB`);
  if (goal.min !== undefined) parts.push(`≥ ${goal.min} per s`);
  if (goal.maxMs !== undefined) parts.push(`≤ ${ms(goal.maxMs)}`);
  return parts.join(', ');
}

const ms = (n) => (n === null ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const range = (row) => (row.min === null ? '–' : `${ms(row.min)} – ${ms(row.max)}`);
const ratio = (r) => (r === null || r === undefined ? '–' : `${r.toFixed(2)}×`);
const int = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (row) => (row.status === 'skipped' ? 'skipped' : row.status === 'error' ? 'ERROR' : row.pass === null ? '' : row.pass ? 'PASS' : 'FAIL');

/** Why a row has no figures (error or skip), or a note worth showing. */
const note = (row) => row.error ?? row.skipped ?? row.note ?? '';

function timeCells(row) {
  return [row.mode, row.detail ? `${row.label} (${row.detail})` : row.label, ms(row.median), range(row), ratio(row.ratio), row.goalText, verdict(row)];
}

/** Latency in ms, with enough digits to tell sub-millisecond values apart. */
const lat = (n) => (n === null || n === undefined ? '–' : `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`);

/**
 * CPU milliseconds per request of the server, the database and the harness (the load generator):
 * unlike the throughput, they hardly depend on what else the machine is running.
 */
function cpuCell(row) {
  const cpu = row.cpuMsPerRequest;
  if (!cpu) return '';
  const parts = [['server', cpu.server], ['db', cpu.database], ['harness', cpu.harness]].filter(([, ms]) => ms !== null && ms !== undefined);
  return parts.map(([who, ms]) => `${who} ${ms.toFixed(3)}`).join(' · ');
}

function loadCells(row) {
  if (row.kind === 'memory') {
    const before = row.peakMiBBeforeLoad === null || row.peakMiBBeforeLoad === undefined ? '' : ` (${row.peakMiBBeforeLoad.toFixed(1)} before the load)`;
    const value = row.peakMiB === null || row.peakMiB === undefined ? 'n/a' : `${row.peakMiB.toFixed(1)} MiB${before}`;
    return [row.label, value, '', '', '', row.goalText, verdict(row)];
  }
  const ok = row.status === 'ok';
  return [row.label, ok ? `${int(row.rps)} req/s` : '–', ok ? lat(row.p50Ms) : '–', ok ? lat(row.p99Ms) : '–', ok ? cpuCell(row) : '', row.goalText, verdict(row)];
}

function measureCells(row) {
  const ok = row.status === 'ok';
  const figure = !ok || row.value === null ? '–' : row.unit === 'ms' ? ms(row.value) : `${row.value} ${row.unit}`;
  const ratioText = row.ratioTo ? `${row.ratioTo.ratio.toFixed(2)}× ${row.ratioTo.id} (≤ ${row.ratioTo.max}×)` : '';
  const goal = [row.goalText, row.ratioTo ? `≤ ${row.ratioTo.max}× ${row.ratioTo.id}` : ''].filter(Boolean).join(', ');
  return [`${row.label}${row.detail ? ` (${row.detail})` : ''}`, figure, ok ? `${ms(row.median)} (${range(row)})` : '–', ratioText, goal, verdict(row)];
}

const TIME_HEAD = ['target', 'case', 'median', 'min – max', '× node -e 0', 'goal', 'result'];
const MEASURE_HEAD = ['masking and scan', 'figure', 'median time (min – max)', 'ratio', 'goal', 'result'];
const LOAD_HEAD = ['px server, 10,000 secrets', 'throughput', 'p50', 'p99', 'CPU ms per request', 'goal', 'result'];

function plainTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '─'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function headerLine(meta) {
  const runs = `${meta.runs} runs after ${meta.warmup} warm-up${meta.quick ? ' (--quick)' : ''}${meta.only ? `, --only ${meta.only}` : ''}`;
  return `px ${meta.pxVersion} bench · ${meta.date} · Node ${meta.node} · ${meta.cpus} CPUs (${meta.cpuModel}) · ${meta.platform} ${meta.arch} · ${runs}`;
}

export function printReport(report, out = process.stdout) {
  const lines = ['', headerLine(report.meta), ''];
  const timed = report.rows.filter((r) => r.kind === 'time');
  const loaded = report.rows.filter((r) => r.kind === 'load' || r.kind === 'memory');
  const measured = report.rows.filter((r) => r.kind === 'measure');
  if (timed.length) lines.push(plainTable(TIME_HEAD, timed.map(timeCells)), '');
  if (loaded.length) lines.push(plainTable(LOAD_HEAD, loaded.map(loadCells)), '');
  if (measured.length) lines.push(plainTable(MEASURE_HEAD, measured.map(measureCells)), '');
  const notes = report.rows.filter((r) => note(r));
  for (const row of notes) lines.push(`${row.id}: ${row.status === 'skipped' ? 'skipped: ' : row.status === 'error' ? 'error: ' : ''}${note(row)}`);
  if (notes.length) lines.push('');
  const failed = report.rows.filter((r) => r.pass === false).map((r) => r.id);
  const broken = report.rows.filter((r) => r.status === 'error').map((r) => r.id);
  lines.push(`Goals: ${report.rows.filter((r) => r.pass === true).length} PASS, ${failed.length} FAIL${failed.length ? ` (${failed.join(', ')})` : ''}; ${broken.length} error rows${broken.length ? ` (${broken.join(', ')})` : ''}.`);
  out.write(`${lines.join('\n')}\n`);
}

const md = (cell) => String(cell).replace(/\|/g, '\\|');
const mdRow = (cells) => `| ${cells.map(md).join(' | ')} |`;

function markdownTable(head, rows, align) {
  return [mdRow(head), `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`, ...rows.map(mdRow)].join('\n');
}

export function markdownSection(report) {
  const m = report.meta;
  const timed = report.rows.filter((r) => r.kind === 'time');
  const loaded = report.rows.filter((r) => r.kind === 'load' || r.kind === 'memory');
  const measured = report.rows.filter((r) => r.kind === 'measure');
  const parts = [
    `Last full \`npm run bench\` (${m.date.slice(0, 10)}; Node ${m.node}, ${m.cpus} CPUs, ${m.platform} ${m.arch}; ${m.runs} runs after ${m.warmup} warm-up, wall time from spawn to exit, baseline \`node -e 0\` = ${ms(report.baseline.median)} in the same run). How to read it: [bench/README.md](bench/README.md); raw figures: \`bench/results/latest.json\`.`,
    '',
    markdownTable(
      TIME_HEAD.map((h) => (h === '× node -e 0' ? '× `node -e 0`' : h)),
      timed.map((r) => {
        const cells = timeCells(r);
        cells[1] = `\`${r.label}\`${r.detail ? ` (${r.detail})` : ''}`;
        if (r.status !== 'ok') cells[6] = `${verdict(r)}: ${note(r)}`;
        return cells;
      }),
      ['l', 'l', 'r', 'r', 'r', 'l', 'l'],
    ),
  ];
  if (loaded.length) {
    parts.push(
      '',
      markdownTable(
        LOAD_HEAD,
        loaded.map((r) => {
          const cells = loadCells(r);
          if (r.status !== 'ok') cells[6] = `${verdict(r)}: ${note(r)}`;
          return cells;
        }),
        ['l', 'r', 'r', 'r', 'l', 'l', 'l'],
      ),
    );
  }
  if (measured.length) {
    parts.push('', markdownTable(MEASURE_HEAD, measured.map((r) => {
      const cells = measureCells(r);
      if (r.status !== 'ok') cells[5] = `${verdict(r)}: ${note(r)}`;
      return cells;
    }), ['l', 'r', 'r', 'l', 'l', 'l']));
  }
  return parts.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces what is between the markers (adding `## Performance` and the markers at the end if absent). */
export function updateReadme(path, section) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  let next;
  if (start !== -1 && end > start) {
    next = `${text.slice(0, start + START.length)}\n${section}\n${text.slice(end)}`;
  } else {
    next = `${text.replace(/\s*$/, '')}\n\n## Performance\n\n${START}\n${section}\n${END}\n`;
  }
  if (next !== text) writeFileSync(path, next);
}
