import { sha256Base64Url } from '@portcullis/oauth';
import { ClientsFileError, parseClientsFile } from './clients-file.loader';

const secret = 'a-long-random-operator-secret-0123456789';

describe('parseClientsFile', () => {
  it('reads entries, hashing a plain secret and keeping a given digest', () => {
    const digest = sha256Base64Url('another-long-random-secret-0123456789');
    const entries = parseClientsFile(
      JSON.stringify([
        { client_id: 'svc', client_secret: secret, grant_types: ['client_credentials'] },
        { client_id: 'svc2', client_secret_sha256: digest, grant_types: ['client_credentials'] },
        { client_id: 'web', token_endpoint_auth_method: 'none', redirect_uris: ['https://a.example/cb'] },
      ]),
      'test',
    );
    expect(entries.map((e) => [e.clientId, e.secretHash])).toEqual([
      ['svc', sha256Base64Url(secret)],
      ['svc2', digest],
      ['web', null],
    ]);
  });

  it.each([
    ['not JSON', '[', /not valid JSON/],
    ['not an array', '{}', /JSON array/],
    ['an entry that is not an object', '[1]', /entry 0: must be an object/],
    ['a missing client_id', '[{}]', /client_id must be/],
    ['a URL client_id', '[{"client_id":"https://a.example/c.json"}]', /must not be a URL/],
    ['a duplicate client_id', '[{"client_id":"a"},{"client_id":"a"}]', /appears twice/],
    ['a short secret', '[{"client_id":"a","client_secret":"short"}]', /at least 32/],
    ['a malformed digest', '[{"client_id":"a","client_secret_sha256":"abc"}]', /43 characters/],
    ['both secret forms', `[{"client_id":"a","client_secret":"${secret}","client_secret_sha256":"x"}]`, /not both/],
  ])('refuses %s with one clear line', (_name, text, message) => {
    expect(() => parseClientsFile(text, 'CLIENTS_FILE f.json')).toThrow(ClientsFileError);
    expect(() => parseClientsFile(text, 'CLIENTS_FILE f.json')).toThrow(message);
  });
});
