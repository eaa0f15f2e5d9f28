import { createRequire } from 'node:module';

declare const __PX_VERSION__: string | undefined;

// The bundle has the version baked in by the build; tests running the sources read package.json.
export const VERSION: string =
  typeof __PX_VERSION__ === 'string' ? __PX_VERSION__ : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
