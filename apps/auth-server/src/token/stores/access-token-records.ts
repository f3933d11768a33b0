import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessTokenRecordEntity } from '../access-token-record.entity';

/**
 * The access tokens this server revoked, by `jti`, kept until they expire (the reads; the
 * writes are the TokenStore's, with their events).
 */
@Injectable()
export class AccessTokenRecords {
  constructor(@InjectRepository(AccessTokenRecordEntity) private readonly records: Repository<AccessTokenRecordEntity>) {}

  async isRevoked(jti: string): Promise<boolean> {
    const row = await this.records.findOne({ where: { jti } });
    return !!row?.revokedAt;
  }

  /** Revoked and not yet expired: what a resource server starting now must refuse. */
  async currentRevocations(now = Date.now()): Promise<{ jti: string; expiresAt: number }[]> {
    const rows = await this.records.createQueryBuilder('t').where('t.revoked_at IS NOT NULL AND t.expires_at > :now', { now }).getMany();
    return rows.map((r) => ({ jti: r.jti, expiresAt: r.expiresAt }));
  }
}
