/**
 * Imported for its effect: sweep specs accept model files from here on (src/user-model/sources.ts
 * says why this is not the default). The CLI, the batch page and the tests import it.
 */
import { acceptModelFiles } from './sources.js';
import { compileUserModel } from './compile.js';

acceptModelFiles(compileUserModel);
