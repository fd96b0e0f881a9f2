/** The engine-neutral browser suite (helpers/engine-suite.ts) in firefox. */
import { defineEngineSuite } from './helpers/engine-suite.js';

defineEngineSuite('firefox');
