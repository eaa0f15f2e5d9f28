import React, { useMemo } from 'react';
import { formatVerdict, HiddenInput } from './HiddenInput.js';
import type { ManagerActions, PaneId } from './manager-model.js';

export interface ValuePromptProps {
  actions: Pick<ManagerActions, 'formatOf' | 'sensitive'>;
  pane: PaneId;
  env: string;
  name: string;
  /** Why the last value was refused. */
  problem?: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/**
 * The manager's value prompt (`n`, `e`) with the manifest's rules for NAME: its format checked at
 * each key, and configuration that is not secret (`sensitive: false`) shown as typed.
 */
export function ValuePrompt({ actions, pane, env, name, problem, onSubmit, onCancel }: ValuePromptProps): React.ReactElement {
  const rules = useMemo(() => {
    const format = actions.formatOf?.(pane, name, env);
    return { check: format ? formatVerdict(format.format, format.problem) : undefined, visible: actions.sensitive?.(pane, name, env) === false };
  }, [actions, pane, env, name]);
  return <HiddenInput label={`Value for ${name}:`} problem={problem} check={rules.check} visible={rules.visible} onSubmit={onSubmit} onCancel={onCancel} />;
}
