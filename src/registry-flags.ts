// Flag specs that several commands of the registry share (src/registry.ts, src/registry-secret.ts).
import type { FlagSpec } from './cli/command-spec.js';

export const YES: FlagSpec = { type: 'boolean', alias: 'y', describe: 'Do not ask for confirmation' };
export const VALUE: FlagSpec = { type: 'string', secret: true, describe: 'The value (lands in shell history: prefer stdin or the prompt)' };
export const ENDPOINT_URL: FlagSpec = { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json)' };
