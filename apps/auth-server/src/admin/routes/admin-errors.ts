import { OAuthError, OAuthErrorCode } from '@portcullis/oauth';

/*
 * The admin API's refusals beyond the OAuth codes, rendered by the same filter (libs/http) as
 * `{ error, error_description }`: 404 for what does not exist, 409 for a change that conflicts
 * with the current state.
 */
export class NotFound extends OAuthError {
  constructor(description: string) {
    super('not_found' as OAuthErrorCode, description, 404);
  }
}

export class Conflict extends OAuthError {
  constructor(description: string) {
    super('conflict' as OAuthErrorCode, description, 409);
  }
}
