import { InitialSchema1795833600000 } from './1795833600000-initial-schema.js';

/** In order; class references because the services are bundled. */
export const MIGRATIONS = [InitialSchema1795833600000];
