import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';

type Acknowledgement = (answer: unknown) => void;

interface ExceptionTarget {
  emit(event: string, payload: unknown): unknown;
}

/**
 * Nest's answer to a message whose handler threw, the `exception` event (a refusal as its
 * WsException gives it, anything else as Nest's `Internal server error`), also given to the
 * message's acknowledgement when the client sent it with one (`socket.emit('message', data, ack)`),
 * where such a client waited on its ack for ever. toutiao-m sends without one and reads the event.
 */
@Catch()
export class AcknowledgingExceptionFilter extends BaseWsExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const client = ws.getClient<ExceptionTarget>();
    // The handler's arguments: the socket, the payload, then the ack if the client sent one.
    const ack = host.getArgs().find(isAcknowledgement);
    const target: ExceptionTarget = ack
      ? {
          emit: (event, payload) => {
            client.emit(event, payload);
            ack(payload);
          },
        }
      : client;
    this.handleError(target, exception, { pattern: ws.getPattern(), data: ws.getData() });
  }
}

function isAcknowledgement(arg: unknown): arg is Acknowledgement {
  return typeof arg === 'function';
}
