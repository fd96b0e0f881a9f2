/**
 * The protocols a client can speak: the values of the `protocol` option. Pure data, public
 * (`ProtocolName` is exported by both entry points).
 */

import { DRAFT_PROTOCOLS, type DraftProtocol } from './ietf/interop.js';

/** The protocols a client can speak (the `protocol` option). */
export type ProtocolName = 'tus-v1' | DraftProtocol;

/** The `protocol` option's values, the default first. */
export const PROTOCOL_NAMES = [
  'tus-v1',
  ...Object.keys(DRAFT_PROTOCOLS),
] as readonly ProtocolName[];
