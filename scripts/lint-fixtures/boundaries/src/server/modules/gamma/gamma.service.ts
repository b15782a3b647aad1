// clean: another module through its public index only
import { alphaThing } from '../alpha/index.js';

export const gammaThing = alphaThing;
