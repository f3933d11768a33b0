import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * One trip to an upstream OpenID Provider, from "Continue with …" to its callback: what the
 * callback must match (state, nonce, PKCE verifier) kept server-side, bound to the interaction
 * and to the browser. Deleted when the callback arrives, so a state is used once (RFC 9700 §4.7).
 */
@Entity('federated_login_attempts')
@Index('federated_login_attempts_expires', ['expiresAt'])
export class FederatedLoginAttemptEntity {
  /** sha256 of the `state` sent upstream; the state itself is only in the browser's URL. */
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'state_hash' })
  stateHash: string;

  @Column({ type: 'varchar', length: 32, name: 'connection_id' })
  connectionId: string;

  @Column({ type: 'varchar', length: 64, name: 'interaction_id' })
  interactionId: string;

  @Column({ type: 'varchar', length: 64, name: 'browser_binding_hash' })
  browserBindingHash: string;

  @Column({ type: 'varchar', length: 128 })
  nonce: string;

  @Column({ type: 'varchar', length: 128, name: 'code_verifier' })
  codeVerifier: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
