/** Published ranges of well-known services (known-services.ts) and the pipeline rule that answers them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGeoLookup, type GeoLookup } from '../../../src/indicators/ip/geo';
import { createKnownServiceLookup, type KnownServicesData, rangeOf } from '../../../src/indicators/ip/known-services';
import { parseIp } from '../../../src/indicators/ip/parse';
import { ipPipeline } from '../../../src/scoring/pipelines/ip';

function ip(text: string) {
  const p = parseIp(text);
  assert.ok(p.ok, text);
  return p.value;
}

describe('rangeOf', () => {
  it('reads a single address, a CIDR and a first-last range, IPv4 and IPv6', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const a = rangeOf('146.190.20.113');
    assert.deepEqual([hex(a.start), hex(a.end)], ['92be1471', '92be1471']);
    const c = rangeOf('91.108.4.0/22');
    assert.deepEqual([hex(c.start), hex(c.end)], ['5b6c0400', '5b6c07ff']);
    const r = rangeOf('104.28.28.0-104.28.151.255');
    assert.deepEqual([hex(r.start), hex(r.end)], ['681c1c00', '681c97ff']);
    const v6 = rangeOf('2001:b28:f23c::/47');
    assert.equal(v6.version, 6);
    assert.equal(hex(v6.end), '20010b28f23dffffffffffffffffffff');
  });

  it('refuses what is not an address, a CIDR or a range of one family', () => {
    assert.throws(() => rangeOf('telegram'), /bad address/);
    assert.throws(() => rangeOf('1.2.3.4-2001:db8::1'), /bad range/);
  });
});

describe('bundled known-service ranges', () => {
  const known = createKnownServiceLookup();

  it('names the service and its kind for addresses in its published ranges', () => {
    const cases: [string, string, string][] = [
      ['149.154.167.51', 'telegram', 'messenger'],
      ['2001:b28:f23d:f001::a', 'telegram', 'messenger'],
      ['104.28.50.17', 'apple-private-relay', 'relay'],
      ['172.225.10.3', 'apple-private-relay', 'relay'],
      ['66.249.66.1', 'googlebot', 'crawler'],
      ['40.77.167.20', 'bingbot', 'crawler'],
      ['20.171.207.3', 'openai-bots', 'crawler'],
      ['146.190.20.113', 'statuscake', 'monitor'],
      ['52.59.147.246', 'pingdom', 'monitor'],
    ];
    for (const [address, id, kind] of cases) {
      const s = known.find(ip(address));
      assert.equal(s?.id, id, address);
      assert.equal(s?.kind, kind, address);
    }
  });

  it('does not answer the neighbours of a single published probe, nor the cloud around it', () => {
    // StatusCake's probe is one address on DigitalOcean; the rest of that /24 is other tenants.
    assert.equal(known.find(ip('146.190.20.114')), undefined);
    assert.equal(known.find(ip('146.190.20.112')), undefined);
    // Linode (Akamai's cloud, 172.232.0.0/13) is outside Akamai's relay block.
    assert.equal(known.find(ip('172.232.0.1')), undefined);
    assert.equal(known.find(ip('8.8.8.8')), undefined);
  });

  it('holds every service of the file, without overlaps (the build refuses them)', () => {
    assert.ok(known.rangeCount > 1000);
    const overlapping: KnownServicesData = {
      services: [
        { id: 'a', name: 'A', kind: 'crawler', ipv4: ['10.0.0.0/8'], ipv6: [] },
        { id: 'b', name: 'B', kind: 'monitor', ipv4: ['10.1.2.3'], ipv6: [] },
      ],
    };
    assert.throws(() => createKnownServiceLookup(overlapping), /overlap/i);
  });

  it('refuses a kind it cannot explain', () => {
    const data = { services: [{ id: 'x', name: 'X', kind: 'vpn', ipv4: ['192.0.2.1'], ipv6: [] }] };
    assert.throws(() => createKnownServiceLookup(data as unknown as KnownServicesData), /unknown kind "vpn"/);
  });
});

describe('ip pipeline known-service rule', () => {
  let geo: GeoLookup;
  before(async () => {
    geo = await createGeoLookup();
  });
  after(() => geo.close());

  async function decide(value: string) {
    const p = ipPipeline(geo);
    const parsed = await p.parse({ id: '1', value });
    assert.ok(parsed.ok, value);
    return p.decide?.(parsed.value);
  }

  it('answers a relay egress address as the service, benign, with no model score', async () => {
    const d = await decide('172.225.10.3');
    assert.equal(d?.verdict, 'benign');
    assert.equal(d?.score, false);
    assert.equal(d?.reasons[0]?.code, 'KNOWN_SERVICE');
    assert.match(d?.reasons[0]?.message ?? '', /iCloud Private Relay.*\(relay\).*shared by many users/);
  });

  it('names a crawler and a monitor by their operator', async () => {
    assert.match((await decide('66.249.66.1'))?.reasons[0]?.message ?? '', /Googlebot.*\(crawler\)/);
    assert.match((await decide('146.190.20.113'))?.reasons[0]?.message ?? '', /StatusCake.*\(monitor\)/);
  });

  it('leaves other routable addresses to the model and keeps the non-routable rule', async () => {
    assert.equal(await decide('146.190.20.114'), undefined);
    assert.equal((await decide('10.1.2.3'))?.reasons[0]?.code, 'NOT_GLOBALLY_ROUTABLE');
  });
});
