import { Box, Text } from 'ink';
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Confirm } from './Confirm.js';
import { useKeypress, type Keypress } from './keypress.js';
import { LineInput } from './LineInput.js';
import { filterRows, fit, isStored, type HistoryEntry, type ImportPlan, type ManagerActions, type PaneData, type PaneId } from './manager-model.js';
import { EnvironmentSwitcher, HelpPanel, HistoryPanel, ImportPanel } from './ManagerPanels.js';
import { SetupWizard } from './SetupWizard.js';
import { ValuePrompt } from './ValuePrompt.js';
import type { SetupActions, SetupOutcome } from './setup-model.js';
import { credentialHeight, ManagerLists } from './ManagerLists.js';
import { useTerminalSize } from './terminal-size.js';

export interface ManagerProps {
  actions: ManagerActions;
  environment: string;
  /** What the first frame shows, when the command read it already (no "Loading…" frame then). */
  initial?: Record<PaneId, PaneData>;
  onQuit: () => void;
  now?: () => Date;
}

type Mode =
  | { kind: 'list' }
  | { kind: 'filter' }
  | { kind: 'name'; problem?: string }
  | { kind: 'confirm-replace'; name: string }
  | { kind: 'value'; name: string; problem?: string; attempt: number }
  | { kind: 'confirm-delete'; name: string }
  | { kind: 'confirm-generate'; name: string }
  | { kind: 'import-path'; file?: string; problem?: string }
  | { kind: 'import-preview'; plan: ImportPlan }
  | { kind: 'history'; name: string; entries: HistoryEntry[] }
  | { kind: 'env' }
  | { kind: 'help' }
  | { kind: 'setup'; setup: SetupActions }
  | { kind: 'busy'; text: string };

const FULL_HINT = '/ filter  n new  e replace  g generate  d delete  i import  h history  s setup  ? keys  q quit';
const SHORT_HINT = '/ n e g d i h s v r  ·  ? what each key does  ·  q quit';
const NAME_CHARS = /^[A-Za-z0-9_]*$/;
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `px ui`: two panes (runtime secrets of one environment, and deploy credentials), a status line
 * naming the target and environment, and one key per action. Never shows a value.
 */
export function Manager({ actions, environment, initial, onQuit, now = () => new Date() }: ManagerProps): React.ReactElement {
  const { columns, rows: lines } = useTerminalSize();
  const [env, setEnv] = useState(environment);
  const [data, setData] = useState<Record<PaneId, PaneData> | null>(initial ?? null);
  const loadedFor = useRef(initial ? environment : undefined);
  const [pane, setPane] = useState<PaneId>('secrets');
  const [selected, setSelected] = useState<Record<PaneId, number>>({ secrets: 0, credentials: 0 });
  const [filters, setFilters] = useState<Record<PaneId, string>>({ secrets: '', credentials: '' });
  const [mode, setModeState] = useState<Mode>({ kind: 'list' });
  // Keys can arrive faster than React re-renders: the list's key handler reads the mode from here,
  // so the key right after `/` already goes to the filter.
  const modeRef = useRef<Mode>(mode);
  // Each mode gets fresh inputs: asking again after a refusal must not reuse a finished one.
  const [modeCount, setModeCount] = useState(0);
  const setMode = (next: Mode): void => {
    modeRef.current = next;
    setModeState(next);
    setModeCount((n) => n + 1);
  };
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  const reload = useCallback(
    (which = env) =>
      actions.load(which).then(setData, (error: unknown) => {
        const failed = { label: '', rows: [], error: errorText(error) };
        setData({ secrets: failed, credentials: failed });
      }),
    [actions, env],
  );
  useEffect(() => {
    if (loadedFor.current === env) return;
    loadedFor.current = env;
    void reload(env);
  }, [env]); // eslint-disable-line react-hooks/exhaustive-deps

  const shown = useMemo(
    () => ({ secrets: filterRows(data?.secrets.rows ?? [], filters.secrets), credentials: filterRows(data?.credentials.rows ?? [], filters.credentials) }),
    [data, filters],
  );
  const current = shown[pane][Math.min(selected[pane], shown[pane].length - 1)];
  const label = data?.[pane].label ?? '';
  const back = (text?: string, error = false): void => {
    setMode({ kind: 'list' });
    if (text !== undefined) setMessage({ text, error });
  };
  /** Runs one change, then reloads: the screen shows what the target now holds. */
  const run = (busy: string, work: () => Promise<string>): void => {
    setMode({ kind: 'busy', text: busy });
    work().then(
      (done) => reload().then(() => back(done)),
      (error: unknown) => reload().then(() => back(errorText(error), true)),
    );
  };
  const move = (by: number): void => setSelected((s) => ({ ...s, [pane]: Math.max(0, Math.min(shown[pane].length - 1, s[pane] + by)) }));
  // An admin's screen has one more line under the secrets: who may read the selected one.
  const detailLines = data?.secrets.readers ? 1 : 0;
  const listHeight = Math.max(3, lines - 1 - 6 - detailLines - credentialHeight(shown.credentials.length));

  // One handler for the whole app, subscribed once: it reads the mode from a ref, so the key right
  // after one that changed the mode already acts on the new one.
  useKeypress((key, raw) => {
    const kind = modeRef.current.kind;
    if (kind === 'filter') return filterKey(key);
    if (kind === 'help' || kind === 'history') return setMode({ kind: 'list' });
    if (kind === 'env' && key.name === 'escape') return setMode({ kind: 'list' });
    if (kind === 'list') listKey(key, raw);
  });

  function listKey(key: Keypress, raw: string): void {
    // A paste or a burst of keys in the list is never taken as commands: it may be a value.
    if (raw.length > 1 && !key.name) return;
    const input = key.text;
    if (input === 'q' || key.name === 'ctrl-c') return onQuit();
    if (key.name === 'up' || input === 'k') return move(-1);
    if (key.name === 'down' || input === 'j') return move(1);
    if (key.name === 'page-up') return move(-listHeight);
    if (key.name === 'page-down') return move(listHeight);
    if (key.name === 'home') return move(-shown[pane].length);
    if (key.name === 'end') return move(shown[pane].length);
    if (key.name === 'tab') return setPane((p) => (p === 'secrets' ? 'credentials' : 'secrets'));
    if (key.name === 'escape') return setFilters((f) => ({ ...f, [pane]: '' }));
    if (input === '') return;
    setMessage(null);
    if (input === '/') return setMode({ kind: 'filter' });
    if (input === '?') return setMode({ kind: 'help' });
    if (input === 'r') return void reload();
    if (input === 'v') return setMode({ kind: 'env' });
    if (input === 'n') return setMode({ kind: 'name' });
    if (input === 'i') return setMode({ kind: 'import-path' });
    if (input === 's') return startSetup();
    if (!'eghd'.includes(input)) return;
    if (!current) return setMessage({ text: 'Nothing selected.', error: true });
    const stored = isStored(current);
    if (input === 'e') return setMode({ kind: 'value', name: current.name, attempt: 0 });
    if (input === 'd') return stored ? setMode({ kind: 'confirm-delete', name: current.name }) : setMessage({ text: `${current.name} is not stored: nothing to delete.`, error: true });
    if (input === 'g') {
      if (pane !== 'secrets' || !current.generated) return setMessage({ text: `${current.name} has no generator: declare one in px.config.json, or press e to type a value.`, error: true });
      return stored ? setMode({ kind: 'confirm-generate', name: current.name }) : generate(current.name);
    }
    if (input === 'h') return showHistory(current.name, stored);
  }

  function filterKey(key: Keypress): void {
    const edit = (next: (text: string) => string): void => {
      setFilters((f) => ({ ...f, [pane]: next(f[pane]) }));
      setSelected((s) => ({ ...s, [pane]: 0 }));
    };
    if (key.name === 'return') return setMode({ kind: 'list' });
    if (key.name === 'escape') {
      edit(() => '');
      return setMode({ kind: 'list' });
    }
    if (key.name === 'backspace') return edit((text) => text.slice(0, -1));
    // Names hold only these characters: nothing else could match, so nothing else is kept.
    if (!key.name && key.text !== '' && NAME_CHARS.test(key.text)) edit((text) => text + key.text);
  }

  function generate(name: string): void {
    run(`Generating ${name}…`, async () => `Generated ${name} (${(await actions.generate(name, env)).length} chars) in ${label}.`);
  }
  function showHistory(name: string, stored: boolean): void {
    if (pane !== 'secrets' || !actions.history) return setMessage({ text: `${pane === 'secrets' ? label : 'The keychain'} keeps no history.`, error: true });
    if (!stored) return setMessage({ text: `${name} is not stored: no history yet.`, error: true });
    setMode({ kind: 'busy', text: `Reading the history of ${name}…` });
    actions.history(name, env).then(
      (entries) => setMode({ kind: 'history', name, entries }),
      (error: unknown) => back(errorText(error), true),
    );
  }
  function startSetup(): void {
    setMode({ kind: 'busy', text: 'Working out what is missing…' });
    actions.setup(env).then(
      (setup) => setMode({ kind: 'setup', setup }),
      (error: unknown) => back(errorText(error), true),
    );
  }
  const setupDone = (outcome: SetupOutcome): void => {
    const saved = outcome.saved.length > 0 ? `saved ${outcome.saved.join(', ')}` : 'nothing saved';
    const text = outcome.kind === 'done' ? `Setup done: ${saved}.` : outcome.kind === 'stopped' ? `Setup stopped: ${saved}.` : `Setup failed: ${outcome.message} (${saved}).`;
    // A moment to read step 3 would need a key press; the message line keeps its result instead.
    void reload().then(() => back(text, outcome.kind === 'failed'));
  };
  const pickEnvironment = (picked: string): void => {
    // Another environment's rows must not show under this one's name while it loads.
    if (picked !== env) setData(null);
    setEnv(picked);
    setSelected({ secrets: 0, credentials: 0 });
    back(`Environment: ${picked}.`);
  };
  const nameEntered = (name: string): void => {
    const problem = actions.checkName(pane, name);
    if (problem) return setMode({ kind: 'name', problem });
    const exists = (data?.[pane].rows ?? []).some((row) => row.name === name && isStored(row));
    setMode(exists ? { kind: 'confirm-replace', name } : { kind: 'value', name, attempt: 0 });
  };
  const valueEntered = (name: string, value: string, attempt: number): void => {
    const problem = actions.checkValue(pane, name, value, env);
    if (problem) return setMode({ kind: 'value', name, problem, attempt: attempt + 1 });
    run(`Saving ${name}…`, async () => `${(await actions.save(pane, name, value, env)) === 'created' ? 'Created' : 'Updated'} ${name} in ${label}.`);
  };
  const previewImport = (file: string): void => {
    setMode({ kind: 'busy', text: `Reading ${file}…` });
    actions.previewImport(pane, file, env).then(
      (plan) => setMode({ kind: 'import-preview', plan }),
      (error: unknown) => setMode({ kind: 'import-path', file, problem: errorText(error) }),
    );
  };

  const width = columns - 1;
  // Only required secrets count as needing setup; an optional one may stay unset.
  const needed = useMemo(() => data?.secrets.rows.filter((row) => row.status === 'missing').length ?? 0, [data]);
  const status = `px · ${label || '…'} · ${env}${needed > 0 ? ` · ${needed} missing: s sets up` : ''}`;
  const body = (): React.ReactElement => {
    switch (mode.kind) {
      case 'list':
      case 'filter':
        return <ManagerLists data={data} shown={shown} filters={filters} selected={selected} pane={pane} typing={mode.kind === 'filter'} env={env} columns={columns} listHeight={listHeight} now={now()} />;
      case 'name':
        return (
          <LineInput
            label={`New ${pane === 'secrets' ? 'secret' : 'deploy credential'} name:`}
            reveal={(text) => NAME_CHARS.test(text)}
            hiddenNote="(not shown: a name has only letters, digits and _)"
            problem={mode.problem}
            onSubmit={nameEntered}
            onCancel={() => back()}
          />
        );
      case 'confirm-replace':
        return <Confirm message={`${mode.name} already exists in ${label}. Replace it?`} onAnswer={(yes) => (yes ? setMode({ kind: 'value', name: mode.name, attempt: 0 }) : back(`Kept ${mode.name}; nothing changed.`))} onCancel={() => back()} />;
      case 'value':
        return <ValuePrompt key={mode.attempt} actions={actions} pane={pane} env={env} name={mode.name} problem={mode.problem} onSubmit={(value) => valueEntered(mode.name, value, mode.attempt)} onCancel={() => back('Cancelled; nothing changed.')} />;
      case 'confirm-delete':
        return <Confirm message={`Delete ${mode.name} from ${label}? This cannot be undone.`} onAnswer={(yes) => (yes ? run(`Deleting ${mode.name}…`, async () => {
                  await actions.remove(pane, mode.name, env);
                  return `Deleted ${mode.name} from ${label}.`;
                }) : back(`Kept ${mode.name}; nothing changed.`))} onCancel={() => back()} />;
      case 'confirm-generate':
        return <Confirm message={`Replace ${mode.name} with a newly generated value?`} onAnswer={(yes) => (yes ? generate(mode.name) : back(`Kept ${mode.name}; nothing changed.`))} onCancel={() => back()} />;
      case 'import-path':
        return <LineInput label="Import file:" initial={mode.file ?? actions.importFile(pane)} problem={mode.problem} onSubmit={previewImport} onCancel={() => back()} />;
      case 'import-preview':
        return (
          <Box flexDirection="column">
            <ImportPanel plan={mode.plan} target={label} height={lines - 5} />
            <Confirm message={`Import ${mode.plan.items.length} into ${label}?`} onAnswer={(yes) => (yes ? run(`Importing ${mode.plan.items.length}…`, async () => { const r = await actions.applyImport(pane, mode.plan, env); return `Imported ${mode.plan.items.length} into ${label}: ${r.created} created, ${r.updated} updated.`; }) : back('Import cancelled; nothing was sent.'))} onCancel={() => back('Import cancelled; nothing was sent.')} />
          </Box>
        );
      case 'history':
        return <HistoryPanel name={mode.name} entries={mode.entries} now={now()} height={lines - 4} />;
      case 'env':
        return <EnvironmentSwitcher environments={actions.environments} current={env} onPick={pickEnvironment} />;
      case 'help':
        return <HelpPanel columns={columns} />;
      case 'setup':
        return <SetupWizard actions={mode.setup} columns={columns} onDone={setupDone} />;
      case 'busy':
        return <Text>{mode.text}</Text>;
    }
  };

  return (
    <Box flexDirection="column" width={width} height={lines - 1}>
      <Text inverse wrap="truncate">{fit(status, width)}</Text>
      <Box key={modeCount} flexDirection="column" flexGrow={1}>
        {body()}
      </Box>
      <Text color={message?.error ? 'red' : undefined} wrap="truncate">{fit(message?.text ?? '', width)}</Text>
      <Text dimColor wrap="truncate">{fit(width >= FULL_HINT.length ? FULL_HINT : SHORT_HINT, width)}</Text>
    </Box>
  );
}
