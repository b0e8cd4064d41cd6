// Password hashing with bcrypt (bcryptjs: pure JS, maintained, no native build).
import bcrypt from 'bcryptjs';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;

/** bcrypt reads only the first 72 bytes of a password; longer ones are refused, not cut. */
export const MAX_PASSWORD_BYTES = 72;

/** Why a password is refused, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    return `must be at most ${MAX_PASSWORD_BYTES} bytes`;

  return null;
}

/** Hashes a password with the given bcrypt cost (12 in production, 4 in tests). */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** Checks a password against its hash. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
