// lab/paths.ts nodeAddress and labUp's address checks: 127.0.1.x below 256, 127.0.2.0 onwards after,
// so labs of hundreds of nodes fit; 127.0.1.250-255 stay free for "nothing listens here" tests.
import { describe, expect, it } from 'vitest';
import { labUp } from '../../lab/index.ts';
import { nodeAddress } from '../../lab/paths.ts';

describe('lab addresses', () => {
  it('maps indexes onto loopback, past 127.0.1.255 into 127.0.2.x and on', () => {
    expect([1, 249, 256, 300, 511, 512, 64_767].map(nodeAddress)).toEqual([
      '127.0.1.1',
      '127.0.1.249',
      '127.0.2.0',
      '127.0.2.44',
      '127.0.2.255',
      '127.0.3.0',
      '127.0.253.255',
    ]);
  });

  it('refuses a lab that reaches the reserved 127.0.1.250-255, naming where larger labs start', async () => {
    await expect(labUp({ name: 'x', nodes: 20, first: 240 })).rejects.toThrow(/reserved .*start at 256 \(127\.0\.2\.0\)/);
    await expect(labUp({ name: 'x', nodes: 2, first: 254 * 256 + 255 })).rejects.toThrow(/too many/);
  });
});
