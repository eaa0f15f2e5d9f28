// Masking and scanning at scale: `px run` printing 100 MB through the masking matcher with 10 and
// with 1,000 secrets, and `px scan` of a 5,000-file, 100 MB git tree with 1,000 held values next
// to `git grep -F -f` of the same values in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timeNode } from './measure.mjs';
import { round, summarize } from './report.mjs';

const OUTPUT_BYTES = 100_000_000;
const TREE_FILES = 5000;
const TREE_BYTES = 100_000_000;
const SCAN_VALUES = 1000;
export const MASKING_SCAN_IDS = ['mask/run-10', 'mask/run-1000', 'scan/tree-1000', 'scan/git-grep-1000'];

const secret = () => `sk_${randomBytes(18).toString('base64url')}`;

/** A .env of `n` secrets; the first is the one the child prints (and must come out masked). */
function seedStore(px, cwd, env, n) {
  const values = Array.from({ length: n }, secret);
  const file = join(cwd, 'seed.env');
  writeFileSync(file, `${values.map((v, i) => `MASK_${String(i).padStart(4, '0')}=${v}`).join('\n')}\n`);
  const seeded = spawnSync(process.execPath, [px, 'secret', 'import', file, '--yes'], { cwd, env, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding ${n} secrets failed: ${seeded.stderr.trim().split('\n').at(-1)}`);
  return values;
}

// The child: ordinary log lines in 64 KiB writes, one of them holding MASK_0000's value.
const CHILD = `
const total = ${OUTPUT_BYTES};
const value = process.env.MASK_0000;
const line = (i) => \`2026-12-01T21:00:00.\${String(i % 1000).padStart(3, '0')}Z INFO GET /api/items/\${i} 200 12ms user=alice trace=9f2c41\\n\`;
let text = '';
for (let i = 0; text.length < 65536 - 200; i++) text += i === 100 ? \`token=\${value} refreshed\\n\` : line(i);
const block = Buffer.from(text);
let written = 0;
const next = () => {
  while (written < total) {
    const piece = written + block.length > total ? block.subarray(0, total - written) : block;
    written += piece.length;
    if (!process.stdout.write(piece)) return process.stdout.once('drain', next);
  }
};
next();
`;

/** One timed `px run` printing OUTPUT_BYTES; fails when the printed value comes out unmasked. */
function timeRun(px, cwd, env, value) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [px, 'run', '--', process.execPath, join(cwd, 'child.cjs')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const needle = Buffer.from(value);
    let carry = Buffer.alloc(0);
    let leaked = false;
    let masks = 0;
    let bytes = 0;
    // Whole lines only are checked, so a value or a mask cut between reads is seen once.
    const check = (lines) => {
      if (lines.includes(needle)) leaked = true;
      for (let at = lines.indexOf('token=***'); at !== -1; at = lines.indexOf('token=***', at + 1)) masks++;
    };
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = data.lastIndexOf(10) + 1;
      check(data.subarray(0, cut));
      carry = Buffer.from(data.subarray(cut));
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-400)));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      check(carry);
      if (code !== 0) resolve({ error: `px run exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}` });
      else if (leaked) resolve({ error: 'the printed value came out unmasked' });
      else if (masks === 0) resolve({ error: 'no *** in the output: the value was not printed or not masked' });
      else resolve({ ms, bytes });
    });
  });
}

/** 5,000 files of ~20 KB of source-like text, SCAN_VALUES held values, 50 of them planted. */
function writeTree(dir, values) {
  const perFile = Math.floor(TREE_BYTES / TREE_FILES);
  const filler = 'export function handler(request, response) { return response.json({ ok: true, items: [] }); }\n';
  const body = filler.repeat(Math.ceil(perFile / filler.length)).slice(0, perFile);
  for (let i = 0; i < TREE_FILES; i++) {
    const sub = join(dir, 'src', `module-${String(i % 50).padStart(2, '0')}`);
    if (i < 50) mkdirSync(sub, { recursive: true });
    const planted = i % 100 === 0 ? `const key = "${values[(i / 100) * 7]}";\n` : '';
    writeFileSync(join(sub, `file-${i}.js`), planted + body);
  }
}

const git = (cwd, env, ...args) => spawnSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });

/** Runs `step` `runs` times after `warmup`; a row with its median and the throughput. */
async function sample(runs, warmup, step) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const result = await step();
    if (result.error) return { error: result.error };
    if (i >= warmup) samples.push(result.ms);
  }
  return { ...summarize(samples), samplesMs: samples.map((x) => round(x, 1)) };
}

export async function maskingScanRows({ px, freshDir, env, quick, selected, progress }) {
  const runs = quick ? 2 : 5;
  const warmup = 1;
  const rows = [];
  const row = (id, label, detail, goal, result, extra = {}) => ({ id, kind: 'measure', label, detail, goal, status: result.error ? 'error' : 'ok', ...result, ...extra });
  const byId = {};

  for (const n of [10, 1000]) {
    const id = `mask/run-${n}`;
    if (!selected(id) && !selected(n === 10 ? 'mask/run-1000' : id)) continue;
    progress(`masking: px run printing 100 MB with ${n} secrets in the store`);
    const cwd = freshDir(`mask-${n}`);
    let result;
    try {
      const values = seedStore(px, cwd, env, n);
      writeFileSync(join(cwd, 'child.cjs'), CHILD);
      result = await sample(runs, warmup, () => timeRun(px, cwd, env, values[0]));
    } catch (error) {
      result = { error: error.message };
    }
    const mbps = result.error ? null : round(OUTPUT_BYTES / 1e6 / (result.median / 1000), 1);
    byId[id] = { ...result, mbps };
    if (selected(id)) rows.push(row(id, `px run printing 100 MB, ${n} secrets`, 'wall time, output piped and drained', { min: 100 }, result, { value: mbps, unit: 'MB/s' }));
  }
  const ratioRow = rows.find((r) => r.id === 'mask/run-1000');
  if (ratioRow && byId['mask/run-10']?.median && byId['mask/run-1000']?.median) {
    ratioRow.ratioTo = { id: 'mask/run-10', ratio: round(byId['mask/run-1000'].median / byId['mask/run-10'].median, 2), max: 1.5 };
  }

  if (selected('scan/tree-1000') || selected('scan/git-grep-1000')) {
    progress(`scan: writing a ${TREE_FILES}-file, 100 MB git tree and seeding ${SCAN_VALUES} held values`);
    const cwd = freshDir('scan');
    let ready;
    try {
      const values = seedStore(px, cwd, env, SCAN_VALUES);
      writeTree(cwd, values);
      writeFileSync(join(cwd, 'values.txt'), `${values.join('\n')}\n`);
      writeFileSync(join(cwd, '.gitignore'), 'values.txt\nseed.env\n');
      const init = git(cwd, env, 'init', '-q');
      const add = init.status === 0 ? git(cwd, env, 'add', '-A') : init;
      ready = add.status === 0 ? { ok: true } : { error: `git failed: ${add.stderr.trim()}` };
    } catch (error) {
      ready = { error: error.message };
    }
    if (selected('scan/tree-1000')) {
      const result = ready.error ? ready : await sample(runs, warmup, () => timeNode([px, 'scan', '--json'], { cwd, env, expectCode: 1, timeoutMs: 120_000 }));
      rows.push(row('scan/tree-1000', 'px scan, 5,000 files / 100 MB, 1,000 held values', 'exit 1: 50 planted values found', { maxMs: 10_000 }, result, { value: result.median ?? null, unit: 'ms' }));
    }
    if (selected('scan/git-grep-1000')) {
      const grep = () =>
        new Promise((resolve) => {
          const start = process.hrtime.bigint();
          const child = spawn('git', ['grep', '-F', '-c', '-f', 'values.txt'], { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
          child.on('error', (error) => resolve({ error: error.message }));
          child.on('close', (code) => resolve(code === 0 ? { ms: Number(process.hrtime.bigint() - start) / 1e6 } : { error: `git grep exited ${code}` }));
        });
      const result = ready.error ? ready : await sample(runs, warmup, grep);
      rows.push(row('scan/git-grep-1000', 'git grep -F -c -f VALUES, same tree and values', 'for comparison', null, result, { value: result.median ?? null, unit: 'ms' }));
    }
  }
  return rows;
}
