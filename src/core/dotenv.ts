// A dotenv parser that reports every problem with its line number. Hand-rolled because the
// dotenv package silently skips malformed lines, and an import must refuse them instead.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import type { SecretEntry } from './backend.js';
import { nameProblem, valueProblem, valueWarnings } from './names.js';

export interface ParsedEntry {
  name: string;
  value: string;
  line: number;
}
/** A problem at a line. The message never contains a value. */
export interface Diagnostic {
  line: number;
  message: string;
}
export interface ParseResult {
  entries: ParsedEntry[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

const KEY_LINE = /^\s*(?:export\s+)?([^=]*?)\s*=\s?(.*)$/s;
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

/** Reads a quoted value starting at lines[index] (text after the key), possibly spanning lines. */
function readQuoted(first: string, lines: string[], index: number, quote: string): { raw: string; rest: string; end: number } | null {
  let text = first.slice(1);
  let end = index;
  for (;;) {
    const close = findClose(text, quote);
    if (close >= 0) return { raw: text.slice(0, close), rest: text.slice(close + 1), end };
    if (quote === "'" || end + 1 >= lines.length) return null;
    end += 1;
    text += `\n${lines[end]}`;
  }
}

function findClose(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

export function parseDotenv(source: string): ParseResult {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const result: ParseResult = { entries: [], errors: [], warnings: [] };
  const seen = new Map<string, number>();
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = lines[index];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = KEY_LINE.exec(line);
    if (!match) {
      result.errors.push({ line: lineNo, message: 'expected NAME=value (no "=" on this line)' });
      continue;
    }
    const name = match[1];
    let rest = match[2].replace(/^\s+/, '');
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const quoted = readQuoted(rest, lines, index, quote);
      if (!quoted) {
        result.errors.push({ line: lineNo, message: `${safeName(name)}: the ${quoteName(quote)} quote opened here is never closed` });
        if (quote !== "'") break; // the rest of the file was swallowed by the open quote
        continue;
      }
      index = quoted.end;
      rest = quoted.rest.trim();
      if (rest !== '' && !rest.startsWith('#')) {
        result.errors.push({ line: lineNo, message: `${safeName(name)}: unexpected text after the closing quote` });
        continue;
      }
      value = quote === '"' ? quoted.raw.replace(/\\(.)/gs, (all, ch: string) => DOUBLE_ESCAPES[ch] ?? all) : quoted.raw;
    } else {
      // An unquoted value ends at " #" (an inline comment); a "#" inside a word is kept.
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    const problem = nameProblem(name);
    if (problem) {
      result.errors.push({ line: lineNo, message: `${safeName(name)} is not a valid name: ${problem}` });
      continue;
    }
    const valueIssue = valueProblem(value);
    if (valueIssue) {
      result.errors.push({ line: lineNo, message: `${name}: ${valueIssue}` });
      continue;
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      result.warnings.push({ line: lineNo, message: `${name} is also set on line ${previous}; the last one (line ${lineNo}) wins` });
      result.entries = result.entries.filter((entry) => entry.name !== name);
    }
    seen.set(name, lineNo);
    result.entries.push({ name, value, line: lineNo });
  }
  return result;
}

const quoteName = (quote: string): string => (quote === '"' ? 'double' : quote === "'" ? 'single' : 'back');
const safeName = (name: string): string => (name === '' ? 'the name' : JSON.stringify(name.slice(0, 80)));

/** A file's path, or bytes already read (`-`: a piped stdin). */
export type ImportSource = string | { bytes: Buffer };

/** Reads and parses a file; a missing, unreadable or non-UTF-8 file is a usage error (exit 2). */
export function readDotenvFile(source: ImportSource, shownAs = typeof source === 'string' ? source : 'stdin'): ParseResult {
  let bytes: Buffer;
  try {
    bytes = typeof source === 'string' ? readFileSync(source) : source.bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${shownAs} not found: create it or pass the path of your file.`);
    if (code === 'EISDIR') throw new UsageError(`${shownAs} is a directory: pass the path of a dotenv file.`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${shownAs} is not readable: check its permissions.`);
    throw new UsageError(`${shownAs} could not be read (${code ?? 'unknown error'}).`);
  }
  if (bytes.includes(0)) throw new UsageError(`${shownAs} is not a text file (it holds NUL bytes).`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${shownAs} is not UTF-8 text: convert it (e.g. iconv -t UTF-8) and try again.`);
  }
  return parseDotenv(text);
}

/**
 * Reads a file for an import (`px secret import`, `px creds import`): every malformed line and
 * every name `refuse` objects to is reported with its line number, and then nothing is imported.
 * Each name comes once (the last one wins, with a warning); warnings never quote a value.
 */
export function readImportEntries(path: ImportSource, shownAs: string, refuse: (name: string) => string | null): { entries: SecretEntry[]; warnings: string[] } {
  const parsed = readDotenvFile(path, shownAs);
  const problems = [...parsed.errors];
  for (const entry of parsed.entries) {
    const refusal = refuse(entry.name);
    if (refusal) problems.push({ line: entry.line, message: refusal });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    throw new UsageError(`${shownAs} has ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}; nothing was imported.`, {
      details: problems.map((problem) => `${shownAs}:${problem.line}: ${problem.message}`),
    });
  }
  if (parsed.entries.length === 0) throw new UsageError(`${shownAs} holds no entries: add lines like NAME=value.`);
  const warnings = parsed.warnings.map((warning) => `${shownAs}:${warning.line}: ${warning.message}`);
  const byName = new Map<string, SecretEntry>();
  for (const entry of parsed.entries) {
    byName.delete(entry.name);
    byName.set(entry.name, { name: entry.name, value: entry.value });
    for (const problem of valueWarnings(entry.value)) warnings.push(`${shownAs}:${entry.line}: the value of ${entry.name} ${problem}`);
  }
  return { entries: [...byName.values()], warnings };
}
