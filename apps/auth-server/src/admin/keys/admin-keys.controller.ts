import { Controller } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SigningKeyEntity } from '../../keys/signing-key.entity';
import { SigningKeysService } from '../../keys/signing-keys.service';
import { AdminEndpoint } from '../routes/admin-route';
import { Conflict } from '../routes/admin-errors';
import { KEY_ROUTES, KeyView } from './admin-keys.routes';

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));
const ORDER = { next: 0, active: 1, retired: 2 } as const;

/** /admin/keys: the signing keys and their rotation (auth.signing_key.rotated, as from the CLI). */
@Controller()
export class AdminKeysController {
  constructor(
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    private readonly signing: SigningKeysService,
  ) {}

  @AdminEndpoint(KEY_ROUTES.list)
  async list(): Promise<{ items: KeyView[] }> {
    // Never the private key: only the columns that describe it are read.
    const rows = await this.keys.find({ select: { kid: true, alg: true, status: true, createdAt: true, activatedAt: true, publishedUntil: true } });
    rows.sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt - a.createdAt);
    const items = rows.map((k) => ({ kid: k.kid, alg: k.alg, status: k.status, created_at: seconds(k.createdAt) as number, activated_at: seconds(k.activatedAt), published_until: seconds(k.publishedUntil) }));
    return { items };
  }

  @AdminEndpoint(KEY_ROUTES.rotate)
  async rotate() {
    const rotated = await this.signing.rotate();
    if (!rotated) throw new Conflict('another process rotated the signing keys at the same moment; nothing changed here');
    return { active_kid: rotated.activeKid, next_kid: rotated.nextKid };
  }
}
