import argon2 from 'argon2';

/** Argon2id, the hash every stored password gets. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}
