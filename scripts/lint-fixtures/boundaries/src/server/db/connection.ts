export const db = { kind: 'fixture' };
