/** The protocol module of a `protocol` option value, on this client's transport. */
import { isDraftProtocol } from '../../protocol/ietf/interop.js';
import type { HttpTransport } from '../../transport/http-transport.js';
import { ietfDraft } from './ietf-draft.js';
import { tusV1 } from './tus-v1.js';
import type { ProtocolName, UploadProtocol } from './upload-protocol.js';

export function protocolFor(name: ProtocolName, transport: HttpTransport): UploadProtocol {
  if (isDraftProtocol(name)) {
    return ietfDraft(name, { interim: transport.showsInterimResponses === true });
  }
  return tusV1;
}
