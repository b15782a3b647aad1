// through alpha's public index, but alpha already uses beta: a module cycle
import { alphaThing } from '../alpha/index.js';

export const betaThing = alphaThing * 2;
