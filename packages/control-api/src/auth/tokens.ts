// Access and refresh tokens: HS256 JWTs signed with JWT_SECRET_KEY (fast-jwt).
import { createSigner, createVerifier } from 'fast-jwt';
import type { Role } from '../store/types.js';

/** Claims the API puts in its tokens. */
export interface TokenClaims {
  /** User id. */
  sub: string;
  /** Username. */
  username: string;
  /** Role at issue time. */
  role: Role;
  /** `access` or `refresh`: a refresh token is never accepted as an access token. */
  typ: 'access' | 'refresh';
}

/** A freshly issued pair. */
export interface IssuedTokens {
  /** Bearer token for API calls. */
  access_token: string;
  /** Token type, always `Bearer`. */
  token_type: 'Bearer';
  /** Access-token lifetime in seconds. */
  expires_in: number;
  /** Token that buys a new pair at `/api/v1/auth/refresh`. */
  refresh_token: string;
}

/** Issues and checks tokens. */
export class TokenService {
  private readonly signAccess;
  private readonly signRefresh;
  private readonly verifier;

  constructor(
    secret: string,
    private readonly accessTtlS: number,
    refreshTtlS: number,
  ) {
    this.signAccess = createSigner({
      key: secret,
      algorithm: 'HS256',
      expiresIn: accessTtlS * 1000,
    });
    this.signRefresh = createSigner({
      key: secret,
      algorithm: 'HS256',
      expiresIn: refreshTtlS * 1000,
    });
    this.verifier = createVerifier({ key: secret, algorithms: ['HS256'] });
  }

  /** Issues an access and a refresh token for a user. */
  issue(user: { id: string; username: string; role: Role }): IssuedTokens {
    const claims = { sub: user.id, username: user.username, role: user.role };

    return {
      access_token: this.signAccess({ ...claims, typ: 'access' }),
      token_type: 'Bearer',
      expires_in: this.accessTtlS,
      refresh_token: this.signRefresh({ ...claims, typ: 'refresh' }),
    };
  }

  /** Verifies signature, expiry and type; null when any fails. */
  verify(token: string, typ: TokenClaims['typ']): TokenClaims | null {
    try {
      const claims = this.verifier(token) as Partial<TokenClaims>;
      if (claims.typ !== typ || typeof claims.sub !== 'string' || !claims.role) return null;

      return claims as TokenClaims;
    } catch {
      return null;
    }
  }
}
