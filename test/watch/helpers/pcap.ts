/**
 * A tiny pcap writer for the Suricata test: Ethernet/IPv4 frames carrying UDP (DNS) and TCP sessions
 * (HTTP, a TLS ClientHello with SNI) with real handshakes, sequence numbers and checksums, so
 * Suricata's stream engine and parsers treat them as ordinary traffic. Built by hand: the formats are
 * small, and the test then depends on nothing but Suricata.
 */

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function ip4(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2 === 1) sum += (buf[buf.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4(src: string, dst: string, proto: number, payload: Buffer, id: number): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h.writeUInt16BE(0x4000, 6);
  h[8] = 64;
  h[9] = proto;
  ip4(src).copy(h, 12);
  ip4(dst).copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

function pseudo(src: string, dst: string, proto: number, len: number): Buffer {
  return Buffer.concat([ip4(src), ip4(dst), Buffer.from([0, proto]), u16(len)]);
}

function ethernet(ipPacket: Buffer): Buffer {
  const h = Buffer.from([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00]);
  return Buffer.concat([h, ipPacket]);
}

export class Pcap {
  private readonly frames: Buffer[] = [];
  private t = 1_700_000_000_000_000; // microseconds
  private id = 1;

  private frame(ipPacket: Buffer): void {
    const f = ethernet(ipPacket);
    const h = Buffer.alloc(16);
    this.t += 1000;
    h.writeUInt32LE(Math.floor(this.t / 1e6), 0);
    h.writeUInt32LE(this.t % 1e6, 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    this.frames.push(h, f);
  }

  udp(src: string, sport: number, dst: string, dport: number, data: Buffer): void {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(sport, 0);
    h.writeUInt16BE(dport, 2);
    h.writeUInt16BE(8 + data.length, 4);
    const seg = Buffer.concat([h, data]);
    seg.writeUInt16BE(checksum(Buffer.concat([pseudo(src, dst, 17, seg.length), seg])) || 0xffff, 6);
    this.frame(ipv4(src, dst, 17, seg, this.id++));
  }

  private tcp(
    src: string,
    sport: number,
    dst: string,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    data: Buffer = Buffer.alloc(0),
  ): void {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(sport, 0);
    h.writeUInt16BE(dport, 2);
    h.writeUInt32BE(seq >>> 0, 4);
    h.writeUInt32BE(ack >>> 0, 8);
    h[12] = 5 << 4;
    h[13] = flags;
    h.writeUInt16BE(65535, 14);
    const seg = Buffer.concat([h, data]);
    seg.writeUInt16BE(checksum(Buffer.concat([pseudo(src, dst, 6, seg.length), seg])), 16);
    this.frame(ipv4(src, dst, 6, seg, this.id++));
  }

  /** A whole TCP session: handshake, the client's and server's payloads (each acknowledged), FIN both ways. */
  tcpSession(
    client: string,
    cport: number,
    server: string,
    sport: number,
    exchanges: { client: Buffer; server?: Buffer }[],
  ): void {
    const SYN = 0x02;
    const ACK = 0x10;
    const PSH = 0x08;
    const FIN = 0x01;
    let c = 1000;
    let s = 5000;
    this.tcp(client, cport, server, sport, c, 0, SYN);
    this.tcp(server, sport, client, cport, s, c + 1, SYN | ACK);
    c++;
    s++;
    this.tcp(client, cport, server, sport, c, s, ACK);
    for (const x of exchanges) {
      this.tcp(client, cport, server, sport, c, s, PSH | ACK, x.client);
      c += x.client.length;
      this.tcp(server, sport, client, cport, s, c, ACK);
      if (x.server !== undefined) {
        this.tcp(server, sport, client, cport, s, c, PSH | ACK, x.server);
        s += x.server.length;
        this.tcp(client, cport, server, sport, c, s, ACK);
      }
    }
    this.tcp(client, cport, server, sport, c, s, FIN | ACK);
    this.tcp(server, sport, client, cport, s, c + 1, FIN | ACK);
    this.tcp(client, cport, server, sport, c + 1, s + 1, ACK);
  }

  bytes(): Buffer {
    const g = Buffer.alloc(24);
    g.writeUInt32LE(0xa1b2c3d4, 0);
    g.writeUInt16LE(2, 4);
    g.writeUInt16LE(4, 6);
    g.writeUInt32LE(65535, 16);
    g.writeUInt32LE(1, 20); // Ethernet
    return Buffer.concat([g, ...this.frames]);
  }
}

function qname(name: string): Buffer {
  return Buffer.concat([
    ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

export function dnsQuery(id: number, name: string): Buffer {
  return Buffer.concat([u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), qname(name), u16(1), u16(1)]);
}

export function dnsAnswer(id: number, name: string, address: string): Buffer {
  const answer = Buffer.concat([u16(0xc00c), u16(1), u16(1), Buffer.from([0, 0, 1, 0x2c]), u16(4), ip4(address)]);
  return Buffer.concat([u16(id), u16(0x8180), u16(1), u16(1), u16(0), u16(0), qname(name), u16(1), u16(1), answer]);
}

export function httpGet(host: string, path: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: watch-test/1\r\nAccept: */*\r\n\r\n`);
}

export function httpOk(body: string): Buffer {
  return Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

/** A TLS 1.2 ClientHello whose only extension is server_name (SNI). */
export function tlsClientHello(sni: string): Buffer {
  const name = Buffer.from(sni);
  const list = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
  const sniExt = Buffer.concat([u16(0), u16(list.length + 2), u16(list.length), list]);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7), // random
    // A session id: with the server's ChangeCipherSpec and no certificate, Suricata logs the session
    // as resumed (it logs a TLS event only once it saw a certificate or such a resumption).
    Buffer.from([32]),
    Buffer.alloc(32, 5),
    u16(4),
    Buffer.from([0xc0, 0x2f, 0x00, 0x9c]),
    Buffer.from([1, 0]), // compression: null
    u16(sniExt.length),
    sniExt,
  ]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1]), u16(hs.length), hs]);
}

/** A TLS 1.2 ServerHello resuming the client's session, then ChangeCipherSpec. */
export function tlsServerHello(): Buffer {
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 9),
    Buffer.from([32]),
    Buffer.alloc(32, 5),
    Buffer.from([0xc0, 0x2f]),
    Buffer.from([0]),
    u16(0),
  ]);
  const hs = Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 3]), u16(hs.length), hs, TLS_CHANGE_CIPHER_SPEC]);
}

export const TLS_CHANGE_CIPHER_SPEC = Buffer.from([0x14, 3, 3, 0, 1, 1]);
