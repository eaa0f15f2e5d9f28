import { Refused } from '../../core/errors.js';
import { checkTier, validationProblems } from '../../core/manifest/manifest.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { declaredIn, readStoredState } from './stored-state.js';

interface ValidateArgs extends GlobalArgs {
  tier?: string;
  json?: boolean;
}

/** `px secret validate`: exit 0 when every required secret is there, well-formed and fresh; else 1, listing each problem. */
export async function validateSecrets(io: Io, args: ValidateArgs): Promise<number> {
  const known = projectOf(io, args);
  checkTier(known.manifest, args.tier);
  const session = await openSecrets(io, args, known);
  const { backend, target, project, env } = session;
  const state = await readStoredState(session, { values: true, endpointFormats: { tier: args.tier } });
  const { manifest } = project;
  const unchecked = state.unchecked?.names ?? [];
  // A name the token could not see at all is not reported missing: it cannot tell.
  const unseen = state.unchecked?.whole ? unchecked : [];
  const problems = validationProblems(manifest, env.name, args.tier, state.stored, state.values).filter((problem) => !unseen.includes(problem.name));
  const formatChecked = (state.values !== undefined && unchecked.length === 0) || manifest.secrets.size === 0;
  const ageChecked = state.ageChecked ?? true;
  if (args.json) {
    const body = { target: backend.label, env: env.name, tier: args.tier ?? null, ok: problems.length === 0, formatChecked, ageChecked, unchecked, declared: manifest.secrets.size, problems };
    line(io.stdout, JSON.stringify(body));
    return problems.length === 0 ? 0 : 1;
  }
  line(io.stdout, `Target: ${target}${args.tier ? ` · tier ${args.tier}` : ''}`);
  const source = declaredIn(session);
  if (!source) {
    line(io.stdout, 'Nothing to validate: this project declares no secrets (add them to px.config.json, or list them in .env.secrets.example).');
    return 0;
  }
  if (state.unchecked) line(io.stdout, `${state.unchecked.whole ? 'Not checked' : 'Formats not checked'} for ${unchecked.join(', ')}: ${state.unchecked.why}.`);
  else if (!formatChecked) line(io.stdout, `Formats not checked: ${target} does not hand values to px.`);
  if (!ageChecked) line(io.stdout, 'Ages not checked: a service token reads values, not their times (a token that may list sees them).');
  for (const problem of problems) line(io.stdout, `✗ ${problem.message}`);
  if (problems.length > 0) {
    const names = [...new Set(problems.map((p) => p.name))];
    throw new Refused(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} with the secrets of ${source}: ${names.join(', ')}.`);
  }
  line(io.stdout, `✓ All ${manifest.secrets.size} secrets of ${source} are in order.`);
  return 0;
}

