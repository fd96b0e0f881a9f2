/**
 * The protocols a client can speak: the values of the `protocol` option. Pure data, public
 * (`ProtocolName` is exported by both entry points).
 */

import { DRAFT_PROTOCOLS, type DraftProtocol } from './ietf/interop.js';

/** The protocols a client can speak (what `stats.protocol` names). */
export type ProtocolName = 'tus-v1' | DraftProtocol;

/**
 * The `protocol` option: a protocol, or `'auto'` (the newest one both this client and the
 * server speak, asked of the server's OPTIONS answer once).
 */
export type ProtocolOption = ProtocolName | 'auto';

/** The `protocol` option's values, the default first. */
export const PROTOCOL_NAMES = [
  'tus-v1',
  ...Object.keys(DRAFT_PROTOCOLS),
] as readonly ProtocolName[];

/** The `protocol` option's values: the protocols, then `'auto'`. */
export const PROTOCOL_OPTIONS = [...PROTOCOL_NAMES, 'auto'] as readonly ProtocolOption[];
