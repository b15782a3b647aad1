// violates routes-without-database
import { db } from '../../db/connection.js';

export const route = () => db.kind;
