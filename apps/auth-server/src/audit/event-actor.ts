import { EventData, EventType } from '@portcullis/contracts';

/** Who made an administrative change (libs/contracts `actor`): the CLI, BOOTSTRAP_USERS, the admin API or the account page. */
export type EventActor = EventData<typeof EventType.UserCreated>['actor'];
