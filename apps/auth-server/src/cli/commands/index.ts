import { CliCommand } from '../cli-command';
import { clientsAddCommand } from './clients-add.command';
import { clientsRemoveCommand } from './clients-remove.command';
import { keysReencryptCommand } from './keys-reencrypt.command';
import { keysRotateCommand } from './keys-rotate.command';
import { migrationGenerateCommand } from './migration-generate.command';
import { retentionPurgeCommand } from './retention-purge.command';
import { usersAddCommand } from './users-add.command';
import { usersRolesCommand } from './users-roles.command';

/** Every operator command; add new ones here. */
export const CLI_COMMANDS: CliCommand[] = [usersAddCommand, usersRolesCommand, keysRotateCommand, keysReencryptCommand, clientsAddCommand, clientsRemoveCommand, retentionPurgeCommand, migrationGenerateCommand];
