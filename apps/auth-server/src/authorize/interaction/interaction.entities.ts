import { ConsentEntity } from './consent.entity';
import { InteractionEntity } from './interaction.entity';
import { SessionEntity } from './session.entity';

/** The interaction feature's tables (registered by InteractionModule; composed for the data source in database/). */
export const INTERACTION_ENTITIES = [InteractionEntity, SessionEntity, ConsentEntity];
