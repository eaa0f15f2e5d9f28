// Shell completion, derived from the registry: what may follow the words typed so far. The
// scripts px prints (`px completion bash|zsh|fish`) hand the words to `px __complete -- …` and
// offer what it prints, one candidate a line; when it prints nothing, the shell offers files.
import { commandPath, findCommand, flagsOf, nextWords, valueFlagNames, type Registry } from './command-spec.js';

export type Completion =
  | { kind: 'words'; words: string[] }
  /** Stored names of this kind, never values; `args` locates the project and target. */
  | { kind: 'names'; of: 'secret' | 'credential'; prefix: string; args: { project?: string; url?: string } };

/** `words` as the shell split the line: `px`, the words before the cursor, then the one being typed. */
export function completionFor(registry: Registry, words: readonly string[]): Completion {
  const typed = words.slice(1, -1);
  const current = words.length > 1 ? (words.at(-1) ?? '') : '';
  const none: Completion = { kind: 'words', words: [] };
  const takesValue = valueFlagNames(registry);
  if (typed.includes('--') || takesValue.has(typed.at(-1) ?? '')) return none;
  const path = commandPath(registry, typed);
  const spec = findCommand(registry, path);
  const startingWith = (candidates: string[]): Completion => ({ kind: 'words', words: candidates.filter((word) => word.startsWith(current)) });
  if (current.startsWith('-')) {
    const flags = spec ? flagsOf(registry, spec) : registry.globals;
    const names = Object.entries(flags).filter(([, flag]) => !flag.hidden).flatMap(([name, flag]) => (flag.type === 'boolean' && flag.default === true ? [`--${name}`, `--no-${name}`] : [`--${name}`]));
    return startingWith([...names, '--help']);
  }
  // The words after the command's own: flags and their values skipped.
  const given: string[] = [];
  const after = typed.slice(typed.indexOf(path.at(-1) ?? '') + (path.length > 0 ? 1 : 0));
  for (let i = 0; i < after.length; i++) {
    if (after[i].startsWith('-')) {
      if (takesValue.has(after[i])) i++;
    } else given.push(after[i]);
  }
  if (!spec?.handler) return given.length === 0 ? startingWith(nextWords(registry, path, true)) : none;
  const slot = spec.positionals?.[given.length];
  if (!slot?.complete) return none;
  return { kind: 'names', of: slot.complete, prefix: current, args: { project: flagValue(typed, '--project'), url: flagValue(typed, '--url') } };
}

function flagValue(words: readonly string[], flag: string): string | undefined {
  const at = words.lastIndexOf(flag);
  return at >= 0 ? words[at + 1] : undefined;
}

/** The scripts: each asks px for candidates and falls back to files when it has none. */
export const COMPLETION_SCRIPTS = {
  bash: `# px completion for bash. Load it with: eval "$(px completion bash)" (e.g. in ~/.bashrc)
_px_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(px __complete -- "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null))
}
complete -o default -F _px_complete px
`,
  zsh: `#compdef px
# px completion for zsh. Load it with: eval "$(px completion zsh)" after compinit (e.g. in ~/.zshrc)
_px() {
  local -a candidates
  candidates=("\${(@f)$(px __complete -- "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
compdef _px px
`,
  fish: `# px completion for fish. Load it with: px completion fish > ~/.config/fish/completions/px.fish
function __px_complete
    set -l candidates (px __complete -- (commandline -opc) (commandline -ct) 2>/dev/null)
    if test (count $candidates) -gt 0
        printf '%s\\n' $candidates
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c px -f -a '(__px_complete)'
`,
} as const;

export type Shell = keyof typeof COMPLETION_SCRIPTS;
