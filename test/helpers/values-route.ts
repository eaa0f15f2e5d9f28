// Whether px's endpoint code serves POST /secrets/values yet. Until it does, the conformance
// suite rightly fails its values.refused check against px's own server (the route is missing),
// and the tests say so instead of pretending it passes; once it does, they expect every check
// to pass.
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';

export const SERVES_VALUES = createApp({ store: new MemoryStore(), token: 'x' }).routes.some((route) => route.method === 'POST' && route.path === '/secrets/values');

/** The checks px's own endpoint fails today: none once it serves the values route. */
export const OWN_FAILURES: string[] = SERVES_VALUES ? [] : ['values.refused'];
