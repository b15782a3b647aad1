// violates module-internals: beta's repo is not beta's public index
import { betaRepo } from '../beta/beta.repo.js';

export const alphaThing = betaRepo + 1;
