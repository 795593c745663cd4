/**
 * src/training/ublock-lists.ts: the URLhaus filter and uBlock's badware list, as Debian's uBlock Origin
 * package ships them, reduced to malicious hosts, IPs and URLs (small inputs in the lists' own syntax).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { badwareHosts, urlhausFilter } from '../../src/training/ublock-lists';

it('urlhausFilter: IPs, bare hosts and path rules as URLs, comments skipped, each once', () => {
  const list = [
    '! Title: Online Malicious URL Blocklist',
    '! Updated: 2025-10-25T00:10:18Z',
    '1.1.104.12',
    '2001:db8::7',
    'shkb-info.com',
    'Shkb-Info.com',
    '||raw.githubusercontent.com/x/downloader/refs/heads/main/cssgo.exe^$all',
    '||img1.wsimg.com/blobby/go/a/downloads/f.pdf^$all',
    '||lonely-host.example^$all',
    '',
    'not a host!',
  ].join('\n');
  assert.deepEqual(urlhausFilter(list), {
    updated: '2025-10-25T00:10:18Z',
    hosts: ['shkb-info.com', 'lonely-host.example'],
    ips: ['1.1.104.12', '2001:db8::7'],
    urls: [
      'http://raw.githubusercontent.com/x/downloader/refs/heads/main/cssgo.exe',
      'http://img1.wsimg.com/blobby/go/a/downloads/f.pdf',
    ],
  });
});

it('badwareHosts: whole-site blocks only, not paths, patterns, scripts or cosmetic filters', () => {
  const list = [
    '! Title: uBlock filters – Badware risks',
    '||vlc.de^$doc',
    '||onlyhotdgirl.com^$all',
    '||pl.allsports4u.club^',
    '||VLC.de^$doc',
    '||01net.com/telecharger/$doc',
    '||newsharecounts.s3-us-west-2.amazonaws.com/nsc.js$script',
    '||familysimulator.$all',
    '||ads.example^$script',
    'appuals.com##.info.box',
  ].join('\n');
  assert.deepEqual(badwareHosts(list), ['vlc.de', 'onlyhotdgirl.com', 'pl.allsports4u.club']);
});
