/** The engine-neutral browser suite (helpers/engine-suite.ts) in chromium. */
import { defineEngineSuite } from './helpers/engine-suite.js';

defineEngineSuite('chromium');
