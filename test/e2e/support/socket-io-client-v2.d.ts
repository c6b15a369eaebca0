/**
 * socket.io-client 2 (Engine.IO protocol 3), the client toutiao-m ships (`socket.io-client@^2.3.0`),
 * installed as `socket.io-client-v2`. It has no types of its own; this is the part the tests use.
 */
declare module 'socket.io-client-v2' {
  export interface ConnectOptionsV2 {
    query?: Record<string, string>;
    transports?: string[];
    upgrade?: boolean;
    reconnection?: boolean;
    forceNew?: boolean;
    extraHeaders?: Record<string, string>;
  }

  export interface SocketV2 {
    readonly id: string;
    readonly connected: boolean;
    readonly io: {
      readonly engine: {
        readonly transport: { readonly name: string };
        once(event: 'upgrade', listener: () => void): unknown;
      };
    };
    once(event: string, listener: (payload: unknown) => void): SocketV2;
    on(event: string, listener: (payload: unknown) => void): SocketV2;
    off(event: string, listener: (payload: unknown) => void): SocketV2;
    emit(event: string, ...args: unknown[]): SocketV2;
    close(): SocketV2;
  }

  function io(uri: string, options?: ConnectOptionsV2): SocketV2;
  export default io;
}
