/** The HTTP stack of tus-js-client 4 as the face's hooks and `httpStack` option see it. */

export interface HttpStack {
  createRequest(method: string, url: string): HttpRequest;
  getName(): string;
}

/** A request as `onBeforeRequest` and `onAfterResponse` see it. */
export interface HttpRequest {
  getMethod(): string;
  getURL(): string;
  setHeader(header: string, value: string): void;
  getHeader(header: string): string | undefined;
  setProgressHandler(handler: (bytesSent: number) => void): void;
  send(body?: unknown): Promise<HttpResponse>;
  abort(): Promise<void>;
  /** An `XMLHttpRequest`-like record of this request (see `UnderlyingRequest`). */
  getUnderlyingObject(): unknown;
}

export interface HttpResponse {
  getStatus(): number;
  getHeader(header: string): string | undefined;
  getBody(): string;
  getUnderlyingObject(): unknown;
}
