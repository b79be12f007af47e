#!/usr/bin/env bash
# The authorization-code flow with PKCE against the example, with curl, as
# a browser would go through it: /authorize, the login page, consent, the
# redirect with the code, the code's exchange. Prints the token response.
#   example_app/scripts/authcode.sh [http://127.0.0.1:8080] [johndoe] [secret]
set -euo pipefail
BASE=${1:-http://127.0.0.1:8080}
USER=${2:-johndoe}
PASS=${3:-secret}
CLIENT=example-app
REDIRECT="$BASE/docs/oauth2-redirect.html"
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT

# PKCE (RFC 7636): a random verifier, and its S256 challenge.
VERIFIER=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
STATE=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')

# 1. /authorize sends the browser to the login page.
LOGIN=$(curl -sS -o /dev/null -w '%{redirect_url}' -G "$BASE/oauth/authorize" \
	--data-urlencode response_type=code --data-urlencode client_id=$CLIENT \
	--data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "scope=me items" \
	--data-urlencode "state=$STATE" --data-urlencode "code_challenge=$CHALLENGE" \
	--data-urlencode code_challenge_method=S256)
# 2. The login page: its form carries the request's ID and a CSRF token,
#    which its cookie repeats.
PAGE=$(curl -sS -c "$JAR" "$LOGIN")
field() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" <<<"$PAGE" | head -1; }
# 3. Log in and allow the scopes asked for: the page redirects to the
#    server's callback, which redirects to the client with the code.
CALLBACK=$(curl -sS -b "$JAR" -o /dev/null -w '%{redirect_url}' "$BASE/oauth/login" \
	--data-urlencode "authRequestID=$(field authRequestID)" --data-urlencode "csrf=$(field csrf)" \
	--data-urlencode "username=$USER" --data-urlencode "password=$PASS" \
	--data-urlencode scope=me --data-urlencode scope=items --data-urlencode decision=allow)
BACK=$(curl -sS -o /dev/null -w '%{redirect_url}' "$CALLBACK")
CODE=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$BACK")
[ "$(sed -n 's/.*[?&]state=\([^&]*\).*/\1/p' <<<"$BACK")" = "$STATE" ] || { echo "state mismatch: $BACK" >&2; exit 1; }
# 4. The code and the verifier buy the tokens.
curl -sS "$BASE/oauth/token" --data-urlencode grant_type=authorization_code \
	--data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$REDIRECT" \
	--data-urlencode client_id=$CLIENT --data-urlencode "code_verifier=$VERIFIER"
echo
