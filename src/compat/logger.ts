/**
 * tus-js-client's debug log: off until `enableDebugLog()`, then `console.log`. What it
 * prints has the secrets of URLs (user names, passwords, signing and token parameters)
 * redacted: a log is read by people and kept.
 */
import { redactText } from '../errors/redact.js';

let enabled = false;

export function enableDebugLog(): void {
  enabled = true;
}

export function log(message: string): void {
  if (enabled) console.log(redactText(message));
}
