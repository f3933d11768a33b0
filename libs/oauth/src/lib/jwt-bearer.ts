/** RFC 7523 §2.1: a JWT used as an authorization grant at the token endpoint. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** draft-ietf-oauth-identity-assertion-authz-grant §3.1: the `typ` header of an ID-JAG. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** The same draft, §7.2: the value of `authorization_grant_profiles_supported` for ID-JAG. */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
