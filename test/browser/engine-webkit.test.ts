/** The engine-neutral browser suite (helpers/engine-suite.ts) in webkit. */
import { defineEngineSuite } from './helpers/engine-suite.js';

defineEngineSuite('webkit');
