import { Metadata } from '@grpc/grpc-js';
import { type Observable, of } from 'rxjs';

import { unaryBefore } from './call';

class EchoClient {
  readonly name = 'echo';

  echo(
    request: { text: string },
    ...rest: unknown[]
  ): Observable<{ text: string; args: unknown[] }> {
    return of({ text: `${this.name}:${request.text}`, args: rest });
  }
}

describe('unaryBefore', () => {
  it('leaves the deadline to the client when none is given', async () => {
    const client = new EchoClient();
    const answer = await unaryBefore(undefined, client.echo.bind(client), { text: 'hi' });
    expect(answer).toEqual({ text: 'echo:hi', args: [] });
  });

  it('hands the deadline on to grpc-js as a call option, through the bound method', async () => {
    const client = new EchoClient();
    const answer = await unaryBefore(1_700_000_000_000, client.echo.bind(client), { text: 'hi' });
    expect(answer).toEqual({
      text: 'echo:hi',
      args: [expect.any(Metadata), { deadline: 1_700_000_000_000 }],
    });
  });
});
