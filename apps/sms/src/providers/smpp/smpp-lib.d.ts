/**
 * Types for the parts of the `smpp` package (0.5, plain CommonJS, no bundled types) that the SMPP
 * provider and the test SMSC use. Import it as `import smpp from 'smpp'`.
 *
 * PDU fields carry the SMPP parameter names. The package decodes `short_message` and
 * `message_payload` itself when the PDU has a data_coding: to `{ udh?: Buffer[], message }`
 * (message a string for data_coding 0/1/3/8, else a Buffer), see deliver.ts's messageOctets().
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    type PduOptions = Record<string, unknown>;

    class PDU {
      constructor(command: string, options?: PduOptions);
      constructor(buffer: Buffer);
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      /** The response PDU for this request (generic_nack for an unknown command). */
      response(options?: PduOptions): PDU;
      toBuffer(): Buffer;
    }

    interface ConnectOptions {
      host: string;
      port: number;
      tls?: boolean;
      /** Sends enquire_link this often (no response check). */
      auto_enquire_link_period?: number;
      [option: string]: unknown;
    }

    class Session extends EventEmitter {
      socket: Socket;
      server?: Server;
      /** false when the socket is not writable (the PDU was not sent, no callback will run). */
      send(pdu: PDU, responseCallback?: (response: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    interface Encoding {
      match(value: string): boolean;
      encode(value: string): Buffer;
      decode(value: Buffer): string;
    }

    function connect(options: ConnectOptions, listener?: () => void): Session;
    function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;
    function createServer(listener?: (session: Session) => void): Server;

    const encodings: Record<string, Encoding | undefined> & { default: string };
    const gsmCoder: {
      encode(value: string, shiftTable: number): Buffer;
      decode(value: Buffer, shiftTable: number): string;
    };
    const consts: {
      ENCODING: Record<string, number>;
      ESM_CLASS: Record<string, number>;
      MESSAGE_STATE: Record<string, number>;
      REGISTERED_DELIVERY: Record<string, number>;
      TON: Record<string, number>;
      NPI: Record<string, number>;
    };
    /** ESME_* command_status values by name. */
    const errors: Record<string, number>;
  }

  export = smpp;
}
