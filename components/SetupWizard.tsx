import { Box, Text } from 'ink';
import React, { useEffect, useRef, useState } from 'react';
import { formatVerdict, HiddenInput } from './HiddenInput.js';
import { useKeypress } from './keypress.js';
import type { SetupActions, SetupOutcome, SetupPrompt, SetupSummary } from './setup-model.js';

export interface SetupWizardProps {
  actions: SetupActions;
  /** Columns the prompt's box may use. */
  columns?: number;
  onDone: (outcome: SetupOutcome) => void;
}

type Phase = 'generating' | 'prompting' | 'saving' | 'validating' | 'finished';

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The first-run wizard: three steps on one screen. Step 1 generates what the manifest can
 * generate, step 2 asks for what a person provides (a value failing its format is refused with
 * the rule and asked again; Tab skips an optional one), step 3 checks the result. Esc or Ctrl+C
 * stops; the outcome says what was saved before.
 */
export function SetupWizard({ actions, columns = 80, onDone }: SetupWizardProps): React.ReactElement {
  const [phase, setPhase] = useState<Phase>('generating');
  const [generated, setGenerated] = useState<Array<{ name: string; length: number }>>([]);
  const [index, setIndex] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<string | undefined>();
  const [summary, setSummary] = useState<SetupSummary | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const saved = useRef<string[]>([]);
  const skipped = useRef<string[]>([]);
  const finished = useRef(false);

  const finish = (outcome: SetupOutcome): void => {
    if (finished.current) return;
    finished.current = true;
    setPhase('finished');
    onDone(outcome);
  };
  const fail = (error: unknown): void => {
    setFailure(errorText(error));
    finish({ kind: 'failed', saved: [...saved.current], message: errorText(error), error });
  };

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        for (const name of actions.toGenerate) {
          const { length } = await actions.generate(name);
          saved.current.push(name);
          if (live) setGenerated((list) => [...list, { name, length }]);
        }
        if (live) setPhase('prompting');
      } catch (error) {
        if (live) fail(error);
      }
    })();
    return () => {
      live = false;
    };
    // Runs once: the wizard is mounted for one pass over the actions it was given.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (phase !== 'prompting' || index < actions.prompts.length) return;
    setPhase('validating');
    actions.summarize().then(setSummary, fail);
  });

  // Done once step 3 is on screen: the frame that stays shows the validation.
  useEffect(() => {
    if (summary) finish({ kind: 'done', saved: [...saved.current], skipped: [...skipped.current], summary });
  }, [summary]); // eslint-disable-line react-hooks/exhaustive-deps

  // Esc while step 1 runs or while saving: stop once the write in flight is done.
  useKeypress((key) => {
    if (key.name === 'escape' || key.name === 'ctrl-c') finish({ kind: 'stopped', saved: [...saved.current] });
  }, phase === 'generating');

  const current = phase === 'prompting' || phase === 'saving' ? actions.prompts[index] : undefined;
  const next = (): void => {
    setProblem(undefined);
    setAttempt((n) => n + 1);
    setIndex((i) => i + 1);
  };
  const submit = (value: string): void => {
    if (!current) return;
    const refused = actions.checkValue(current.name, value);
    if (refused) {
      // Asked again from an empty prompt; the refusal names the rule, never the value.
      setProblem(refused);
      setAttempt((n) => n + 1);
      return;
    }
    setPhase('saving');
    actions.save(current.name, value).then(() => {
      saved.current.push(current.name);
      setPhase('prompting');
      next();
    }, fail);
  };
  const skip = (): void => {
    if (!current) return;
    if (current.required) {
      setProblem(`${current.name} is required: it cannot be skipped (Esc stops the setup).`);
      setAttempt((n) => n + 1);
      return;
    }
    skipped.current.push(current.name);
    next();
  };

  const width = Math.max(30, Math.min(columns - 3, 64));
  const inner = width - 4;
  const boxTitle = current ? `┌ ${current.label} ${'─'.repeat(Math.max(1, width - current.label.length - 4))}┐` : '';
  const step2Count = actions.prompts.length;
  const hint = current ? `Enter to save · ${current.required ? 'required' : 'Tab to skip (optional)'} · Esc to stop` : '';
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {actions.target}</Text>
      <Text bold>Step 1: Generate secrets</Text>
      {actions.toGenerate.length === 0 ? <Text dimColor>  Nothing to generate.</Text> : null}
      {generated.map((item) => (
        <Text key={item.name}>
          {'  '}
          <Text color="green">✓</Text> {item.name} generated ({item.length} chars)
        </Text>
      ))}
      {phase !== 'generating' ? (
        <Text bold>
          Step 2: Secrets you provide{step2Count > 0 ? ` (${Math.min(index + 1, step2Count)} of ${step2Count})` : ''}
        </Text>
      ) : null}
      {phase !== 'generating' && step2Count === 0 ? <Text dimColor>  Nothing to ask.</Text> : null}
      {current ? (
        <Box flexDirection="column" marginLeft={2}>
          <Text wrap="truncate">{boxTitle}</Text>
          <Box flexDirection="column" borderStyle="single" borderTop={false} width={width} paddingX={1}>
            {current.description ? <Text wrap="truncate">{current.description.slice(0, inner * 3)}</Text> : null}
            {phase === 'saving' ? (
              <Text dimColor>Saving {current.name}…</Text>
            ) : (
              <HiddenInput
                key={attempt}
                label="Value:"
                hint={hint}
                problem={problem}
                onSubmit={submit}
                onTab={skip}
                check={formatCheck(actions, current)}
                visible={current.sensitive === false}
                onCancel={() => finish({ kind: 'stopped', saved: [...saved.current] })}
              />
            )}
          </Box>
        </Box>
      ) : null}
      {summary ? <Step3 summary={summary} /> : null}
      {failure ? <Text color="red">{failure}</Text> : null}
    </Box>
  );
}

/** The live format check of one prompt, when the manifest gives it a format. */
function formatCheck(actions: Pick<SetupActions, 'checkFormat'>, prompt: SetupPrompt): ((value: string) => { ok: boolean; text: string }) | undefined {
  const { checkFormat } = actions;
  if (!checkFormat || prompt.format === undefined) return undefined;
  return formatVerdict(prompt.format, (value) => checkFormat(prompt.name, value));
}

function Step3({ summary }: { summary: SetupSummary }): React.ReactElement {
  return (
    <Box flexDirection="column">
      <Text bold>Step 3: Validation</Text>
      <Text>
        {'  '}
        {summary.missing.length === 0 ? (
          <Text>
            <Text color="green">✓</Text> All required secrets provided
          </Text>
        ) : (
          <Text>
            <Text color="red">✗</Text> Missing: {summary.missing.join(', ')}
          </Text>
        )}
        {'   '}
        {summary.invalid.length === 0 ? (
          <Text>
            <Text color="green">✓</Text> Formats valid
          </Text>
        ) : (
          <Text>
            <Text color="red">✗</Text> Not matching their format: {summary.invalid.join(', ')}
          </Text>
        )}
      </Text>
    </Box>
  );
}
