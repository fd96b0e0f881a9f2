/** tus-js-client's debug log: off until `enableDebugLog()`, then `console.log`. */
let enabled = false;

export function enableDebugLog(): void {
  enabled = true;
}

export function log(message: string): void {
  if (enabled) console.log(message);
}
