"""FastAPI's OAuth2 scopes tutorial (docs_src/security/tutorial005.py), as a
resource server for the load test of tests/bench/cmd/load.

It is the tutorial's code, with two changes so that it takes the very tokens
the Go example issues, and so that the three servers of the load test do the
same work per request:

- The tokens are the example authorization server's: ES256, verified with
  the public keys of its JWK Set, fetched once at start (JWKS_URL), the key
  chosen by the token's kid, where the tutorial has one HS256 secret. The
  issuer (ISSUER) and the audience (AUDIENCE) are checked too: PyJWT refuses
  a token with an aud claim unless it is told the audience; the leeway is
  the example's, 30 s, and exp is required.
- There is no /token endpoint (nor passlib, which Debian's FastAPI does not
  pull in): the example's /token issues the tokens.

Everything else is the tutorial's: OAuth2PasswordBearer with the scopes
"me" and "items", get_current_user reading SecurityScopes and the "scope"
claim, the user looked up in fake_users_db, get_current_active_user under
Security(..., scopes=["me"]), and the route under
Security(get_current_active_user, scopes=["items"]).

Served by uvicorn with one worker:

    JWKS_URL=http://127.0.0.1:8080/oauth/keys \
    ISSUER=http://127.0.0.1:8080/oauth AUDIENCE=gindepends-example-api \
    python3 -m uvicorn app:app --app-dir tests/bench/fastapi --workers 1

Debian 12 ships FastAPI 0.92 (pydantic 1), uvicorn 0.17 and PyJWT 2.6
(python3-fastapi, python3-uvicorn, python3-jwt, python3-cryptography).
"""

import json
import os
import urllib.request
from typing import List, Union

import jwt
from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from pydantic import BaseModel, ValidationError

JWKS_URL = os.environ["JWKS_URL"]
ISSUER = os.environ["ISSUER"]
AUDIENCE = os.environ.get("AUDIENCE", "gindepends-example-api")
ALGORITHM = "ES256"
LEEWAY = 30  # seconds, as the example's validator


def fetch_keys(url):
    """The JWK Set's signature keys of ALGORITHM, by kid: fetched once."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        jwks = json.load(resp)
    keys = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", ALGORITHM) != ALGORITHM:
            continue
        keys[jwk["kid"]] = jwt.PyJWK(jwk, ALGORITHM).key
    if not keys:
        raise RuntimeError(f"no {ALGORITHM} key in {url}")
    return keys


PUBLIC_KEYS = fetch_keys(JWKS_URL)


fake_users_db = {
    "johndoe": {
        "username": "johndoe",
        "full_name": "John Doe",
        "email": "johndoe@example.com",
        "hashed_password": "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW",
        "disabled": False,
    },
    "alice": {
        "username": "alice",
        "full_name": "Alice Chains",
        "email": "alicechains@example.com",
        "hashed_password": "$2b$12$gSvqqUPvlXP2tfVFaWK1Be7DlH.PKZbv5H8KnzzVgXXbVxpva.pFm",
        "disabled": True,
    },
}


class TokenData(BaseModel):
    username: Union[str, None] = None
    scopes: List[str] = []


class User(BaseModel):
    username: str
    email: Union[str, None] = None
    full_name: Union[str, None] = None
    disabled: Union[bool, None] = None


class UserInDB(User):
    hashed_password: str


oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read information about the current user.", "items": "Read items."},
)

app = FastAPI()


def get_user(db, username: str):
    if username in db:
        user_dict = db[username]
        return UserInDB(**user_dict)


def decode(token: str):
    """The tutorial's jwt.decode, with the key of the token's kid."""
    kid = jwt.get_unverified_header(token).get("kid")
    key = PUBLIC_KEYS.get(kid)
    if key is None:
        raise jwt.InvalidTokenError("unknown kid")
    return jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=AUDIENCE,
        issuer=ISSUER,
        leeway=LEEWAY,
        options={"require": ["exp"]},
    )


async def get_current_user(
    security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)
):
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{security_scopes.scope_str}"'
    else:
        authenticate_value = "Bearer"
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": authenticate_value},
    )
    try:
        payload = decode(token)
        username: str = payload.get("sub")
        if username is None:
            raise credentials_exception
        scope: str = payload.get("scope", "")
        token_scopes = scope.split(" ")
        token_data = TokenData(scopes=token_scopes, username=username)
    except (jwt.InvalidTokenError, ValidationError):
        raise credentials_exception
    user = get_user(fake_users_db, username=token_data.username)
    if user is None:
        raise credentials_exception
    for scope in security_scopes.scopes:
        if scope not in token_data.scopes:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": authenticate_value},
            )
    return user


async def get_current_active_user(
    current_user: User = Security(get_current_user, scopes=["me"])
):
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user


@app.get("/users/me/", response_model=User)
async def read_users_me(current_user: User = Depends(get_current_active_user)):
    return current_user


@app.get("/users/me/items/")
async def read_own_items(
    current_user: User = Security(get_current_active_user, scopes=["items"])
):
    return [{"item_id": "Foo", "owner": current_user.username}]


@app.get("/status/")
async def read_system_status(current_user: User = Depends(get_current_user)):
    return {"status": "ok"}
