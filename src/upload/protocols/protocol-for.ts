/** The protocol module of a `protocol` option value, on this client's transport. */
import { isDraftProtocol } from '../../protocol/ietf/interop.js';
import type { ProtocolOption } from '../../protocol/protocol-names.js';
import type { HttpTransport } from '../../transport/http-transport.js';
import type { ServerInfo } from '../../types.js';
import { autoProtocol } from './auto-protocol.js';
import { ietfDraft } from './ietf-draft.js';
import { tusV1 } from './tus-v1.js';
import type { ProtocolName, UploadProtocol } from './upload-protocol.js';

/**
 * `discover` is the server's OPTIONS answer (asked once per client), read by `'auto'`
 * only.
 */
export function protocolFor(
  name: ProtocolOption,
  transport: HttpTransport,
  discover?: (signal?: AbortSignal) => Promise<ServerInfo>,
): UploadProtocol {
  const make = (chosen: ProtocolName): UploadProtocol =>
    isDraftProtocol(chosen)
      ? ietfDraft(chosen, { interim: transport.showsInterimResponses === true })
      : tusV1;
  if (name !== 'auto') return make(name);
  if (discover === undefined) throw new TypeError("protocol 'auto' needs the server's OPTIONS");
  return autoProtocol(discover, make);
}
