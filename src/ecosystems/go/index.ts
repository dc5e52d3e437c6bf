/** The go ecosystem: Go binaries the config adds report their modules (pkg:golang) from their build info. */
import type { Ecosystem } from '../types.js';
import { goComponents } from './buildinfo.js';

export const go: Ecosystem = { id: 'golang', scan: goComponents };
