// The dotenv reader of `px secret import` and `px creds import`. It reads a file exactly as the
// `dotenv` package does (so an app and px get the same value from every line; a test runs both over
// a corpus), and then reports, by line number, what dotenv would drop or garble silently: a line
// that is not an entry, an invalid name, an empty value, an unclosed quote, a value cut at `#`.
// Hand-rolled because dotenv has no diagnostics. Messages never quote a value, nor a name px
// refuses (it may be a value: a pasted key, or a line of a PEM block).
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

// dotenv's grammar, one entry per match (multi-line flag: ^ and $ are line starts and ends):
// optional `export`, a key of word characters, dots and dashes, `=` (or `:` and a space), then a
// value that is single-, double- or back-quoted (may span lines; \<quote> does not close it) or
// the rest of the line up to a `#`; then an optional comment. Text matching none is skipped.
// Groups: 1 the lead, 2 the key, 3 the separator, 4 the value (numbered: named groups cost an
// object per match, 10,000 of them for a large import).
const QUOTED = (q: string): string => `\\s*${q}(?:\\\\${q}|[^${q}])*${q}`;
const ENTRY = new RegExp(
  `^(\\s*(?:export\\s+)?)([\\w.-]+)(\\s*=\\s*?|:\\s+?)(${QUOTED("'")}|${QUOTED('"')}|${QUOTED('`')}|[^#\\r\\n]+)?\\s*(?:#.*)?$`,
  'gm',
);
const QUOTES = new Set(["'", '"', '`']);

/** The value as dotenv makes it from the matched text: trimmed, outer quotes off, \n and \r expanded in double quotes. */
function dotenvValue(matched: string): { value: string; opened: string | null; closed: boolean } {
  const trimmed = matched.trim();
  const first = trimmed[0];
  const opened = QUOTES.has(first) ? first : null;
  const closed = opened !== null && trimmed.length >= 2 && trimmed[trimmed.length - 1] === first;
  let value = closed ? trimmed.slice(1, -1) : trimmed;
  if (first === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return { value, opened, closed };
}

const lineStarts = (text: string): number[] => {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
};

/**
 * 1-based line of offset `at`, for offsets that never go back (matches come in text order): the
 * search goes on from the line found last.
 */
function lineCursor(starts: number[]): (at: number) => number {
  let line = 0;
  return (at) => {
    while (line + 1 < starts.length && starts[line + 1]! <= at) line++;
    return line + 1;
  };
}

const quoteName = (quote: string): string => (quote === '"' ? 'double' : quote === "'" ? 'single' : 'back');

export function parseDotenv(source: string): ParseResult {
  const text = source.replace(/\r\n?/g, '\n');
  const starts = lineStarts(text);
  const lineOf = lineCursor(starts);
  const covered = new Uint8Array(starts.length + 1);
  const result: ParseResult = { entries: [], errors: [], warnings: [] };
  const seen = new Map<string, number>();
  const error = (line: number, message: string): void => void result.errors.push({ line, message });
  ENTRY.lastIndex = 0;
  for (let match = ENTRY.exec(text); match !== null; match = ENTRY.exec(text)) {
    // The groups follow each other, so their offsets come from their lengths: the `d` flag's
    // match indices cost a 10,000-line file about as much again as the matching itself.
    const lead = match[1]!;
    const name = match[2]!;
    const sep = match[3]!;
    const raw = match[4] ?? '';
    const keyAt = match.index + lead.length;
    const sepEnd = keyAt + name.length + sep.length;
    const lineNo = lineOf(keyAt);
    const last = lineOf(match.index + match[0].length);
    for (let l = lineNo; l <= last; l++) covered[l] = 1;
    const { value, opened, closed } = dotenvValue(raw);
    const problem = nameProblem(name);
    if (problem) {
      error(lineNo, `not a valid name (not shown, in case it is a value): ${problem}`);
      continue;
    }
    if (opened && !closed) {
      error(lineNo, `${name}: the ${quoteName(opened)} quote that starts the value does not end it, so dotenv keeps the quote in the value: close it at the value's end`);
      continue;
    }
    if (!opened && /^=+$/.test(value)) {
      // `MIIEvQ…AAB==`: the last line of base64 data (a PEM key), which only looks like NAME=value.
      error(lineNo, 'looks like a line of base64 data (a key continued from an earlier line?), not NAME=value: wrap a multi-line value in double quotes');
      continue;
    }
    const after = sepEnd + raw.length;
    if (!opened && text[after] === '#' && !/\s/.test(text[after - 1])) {
      error(lineNo, `${name}: an unquoted # starts a comment, so dotenv reads the value only up to it: quote the value if # is part of it`);
      continue;
    }
    const valueIssue = valueProblem(value);
    if (valueIssue) {
      error(lineNo, `${name}: ${valueIssue}`);
      continue;
    }
    if (sep.startsWith(':')) result.warnings.push({ line: lineNo, message: `${name} is followed by ":" instead of "=" (dotenv reads it the same way)` });
    const previous = seen.get(name);
    if (previous !== undefined) {
      result.warnings.push({ line: lineNo, message: `${name} is also set on line ${previous}; the last one (line ${lineNo}) wins` });
      result.entries = result.entries.filter((entry) => entry.name !== name);
    }
    seen.set(name, lineNo);
    result.entries.push({ name, value, line: lineNo });
  }
  // Only the lines no entry covered are cut out of the text (not all 10,000 of a large import).
  for (let index = 0; index < starts.length; index++) {
    if (covered[index + 1]) continue;
    const end = index + 1 < starts.length ? starts[index + 1]! - 1 : text.length;
    const trimmed = text.slice(starts[index], end).trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    error(index + 1, 'not NAME=value, so dotenv skips this line (a value continued from an earlier line? wrap a multi-line value in double quotes)');
  }
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

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
    // ignoreBOM keeps a leading BOM in the text, as dotenv reads it (it is whitespace there).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError(`${shownAs} is not UTF-8 text: convert it (e.g. iconv -t UTF-8) and try again.`);
  }
  return parseDotenv(text);
}

/** How many problems an import lists; the rest are counted (a pasted binary must not print 100,000 lines). */
export const MAX_LISTED_PROBLEMS = 20;

/** `shown` problems as lines, the first MAX_LISTED_PROBLEMS of them and a count of the others. */
export function boundedDetails(lines: string[]): string[] {
  if (lines.length <= MAX_LISTED_PROBLEMS) return lines;
  const more = lines.length - MAX_LISTED_PROBLEMS;
  return [...lines.slice(0, MAX_LISTED_PROBLEMS), `… and ${more} more ${more === 1 ? 'problem' : 'problems'}`];
}

/**
 * Reads a file for an import (`px secret import`, `px creds import`): every malformed line and
 * every entry `refuse` objects to is reported with its line number, and then nothing is imported.
 * Each name comes once (the last one wins, with a warning); warnings never quote a value.
 */
export function readImportEntries(
  path: ImportSource,
  shownAs: string,
  refuse: (name: string, value: string) => string | null,
): { entries: SecretEntry[]; warnings: string[] } {
  const parsed = readDotenvFile(path, shownAs);
  const problems = [...parsed.errors];
  for (const entry of parsed.entries) {
    const refusal = refuse(entry.name, entry.value);
    if (refusal) problems.push({ line: entry.line, message: refusal });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    throw new UsageError(`${shownAs} has ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}; nothing was imported.`, {
      details: boundedDetails(problems.map((problem) => `${shownAs}:${problem.line}: ${problem.message}`)),
    });
  }
  if (parsed.entries.length === 0) throw new UsageError(`${shownAs} holds no entries: add lines like NAME=value.`);
  const warnings = parsed.warnings.map((warning) => `${shownAs}:${warning.line}: ${warning.message}`);
  // parseDotenv keeps each name once already (its last line, in the order of those lines).
  const entries: SecretEntry[] = [];
  for (const entry of parsed.entries) {
    entries.push({ name: entry.name, value: entry.value });
    for (const problem of valueWarnings(entry.value)) warnings.push(`${shownAs}:${entry.line}: the value of ${entry.name} ${problem}`);
  }
  return { entries, warnings };
}
