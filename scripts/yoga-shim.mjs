// yoga-layout's entry awaits its WebAssembly at top level, which a CommonJS bundle cannot do.
// This stands in for it: the same API once `yogaReady` has resolved, which components/ui.tsx
// awaits before the first render. Ink reads Yoga only while rendering, never at import time.
import { loadYoga } from 'yoga-layout/load';

let yoga;
export const yogaReady = loadYoga().then((loaded) => {
  yoga = loaded;
});

export default new Proxy(
  {},
  {
    get(_target, key) {
      if (!yoga) throw new Error('yoga-layout was used before it finished loading');
      return yoga[key];
    },
  },
);
