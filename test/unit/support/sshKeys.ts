// An ed25519 key pair for in-process ssh2 servers and clients in tests. ssh2's own generateKeyPairSync
// makes a pair that its parseKey refuses about once in 256 (it strips a leading zero byte of the public
// key: mscdex/ssh2#1513), which made tests fail at random; a pair that does not parse is made again.
import { utils } from 'ssh2';

/** A key pair ssh2 can read back, public and private. */
export function ed25519Pair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}
