import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a lock value: 128 bits, so no two holders ever share one. */
export const LOCK_VALUE_BYTES = 16;

/** A fresh lock value: 128 random bits from the OS's CSPRNG, as 32 hex characters. */
export function randomLockValue(): string {
  return randomBytes(LOCK_VALUE_BYTES).toString('hex');
}
