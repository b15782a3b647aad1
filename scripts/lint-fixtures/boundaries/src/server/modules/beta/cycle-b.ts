import { a } from './cycle-a.js';

export const b = (): number => (Math.random() > 2 ? a() : 0);
