// violates shared-is-isomorphic
import { db } from '../server/db/connection.js';

export const thing = db.kind;
