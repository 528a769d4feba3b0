#!/usr/bin/env bash
# The promotion rules, checked by the first job of .github/workflows/promote.yml before any AWS
# call, with no AWS credentials (tests/project/test_promotion_rules.py runs this same file on sample refs and
# canned API answers).
#
#   promotion-rules.sh ref ENV REF      may REF (github.ref) be promoted to ENV?
#       dev   only from refs/heads/main
#       sit   from a release tag v<digit>...-sit (v1.0.0-sit) or from refs/heads/main
#       prod  only from a release tag v<digit>... that does not end in -sit (v1.0.0)
#   promotion-rules.sh environment ENV  does the GitHub environment ENV (the one the apply job runs
#       in) exist, and, for sit and prod, have required reviewers? Reads
#       GET $GITHUB_API_URL/repos/$GITHUB_REPOSITORY/environments/ENV with $GITHUB_TOKEN, which
#       needs the `actions: read` permission (the "Actions" repository permission, read, is what
#       GitHub's REST reference gives for the environments endpoints).
#   promotion-rules.sh reviewers ENV FILE   the same judgement on a saved API answer.
#   promotion-rules.sh passed-sit ENV SHA   for prod: did commit SHA (github.sha, the release tag's
#       commit) pass sit? It did when a run of promote.yml on that very commit, promoting sit, succeeded:
#       every job, the check after the apply included, which is the sit promotion's recorded result.
#       Reads GET $GITHUB_API_URL/repos/$GITHUB_REPOSITORY/actions/workflows/promote.yml/runs
#       ?head_sha=SHA&status=success&event=workflow_dispatch with $GITHUB_TOKEN (`actions: read`) and
#       looks for a run whose name (run-name) says sit. A run on that commit ran that commit's own
#       promote.yml, so only a sit promotion that went through sit's reviewers can have written it.
#       Nothing to check for dev and sit.
#
# Exit 0 accepted, 1 refused (with a ::error:: line saying why), 64 wrong usage.
# Dev needs no reviewers: it is promoted only from main, which a pull request with CODEOWNERS review
# already approved, and it is where a change is tried first; its environment must still exist
# (GitHub would otherwise create it, unprotected, the first time a job names it).
set -euo pipefail

refuse() {
  echo "::error title=promotion refused::$*"
  exit 1
}

check_ref() {
  local env=$1 ref=$2
  case "$env" in
    dev)
      [ "$ref" = refs/heads/main ] && return 0
      refuse "dev is promoted only from main (refs/heads/main), not from $ref: run the workflow on main"
      ;;
    sit)
      [ "$ref" = refs/heads/main ] && return 0
      if [[ "$ref" =~ ^refs/tags/v[0-9][^/]*-sit$ ]]; then return 0; fi
      refuse "sit is promoted only from main or a release tag v*-sit (such as v1.0.0-sit), not from $ref"
      ;;
    prod)
      if [[ "$ref" =~ ^refs/tags/v[0-9][^/]*$ && "$ref" != *-sit ]]; then return 0; fi
      refuse "prod is promoted only from a release tag v* that does not end in -sit (such as v1.0.0), not from $ref"
      ;;
    *)
      refuse "unknown environment '$env': expected dev, sit or prod"
      ;;
  esac
}

known_env() {
  case "$1" in
    dev|sit|prod) ;;
    *) refuse "unknown environment '$1': expected dev, sit or prod" ;;
  esac
}

needs_reviewers() {
  [ "$1" = sit ] || [ "$1" = prod ]
}

check_reviewers() {
  local env=$1 file=$2 count
  if ! count=$(jq '[.protection_rules[]? | select(.type == "required_reviewers" and ((.reviewers // []) | length) > 0)] | length' "$file" 2>/dev/null); then
    refuse "the answer for environment '$env' is not the JSON of an environment: its required reviewers cannot be confirmed"
  fi
  if [ "$count" -eq 0 ]; then
    if needs_reviewers "$env"; then
      refuse "the GitHub environment '$env' has no required reviewers, so nobody would approve the plan before it is applied: add them in Settings > Environments > $env > Required reviewers (on a private repository this needs GitHub Enterprise; otherwise GitHub offers reviewers on public repositories only)"
    fi
    echo "::notice::the GitHub environment '$env' has no required reviewers: the plan is applied without approval (allowed for dev only)"
  else
    echo "the GitHub environment '$env' has required reviewers"
  fi
  if needs_reviewers "$env"; then
    if [ "$(jq '[.protection_rules[]? | select(.type == "required_reviewers" and .prevent_self_review == true)] | length' "$file")" -eq 0 ]; then
      echo "::warning::the GitHub environment '$env' lets whoever started the promotion approve it: turn on 'Prevent self-review'"
    fi
    if [ "$(jq '.can_admins_bypass == true' "$file")" = true ]; then
      echo "::warning::repository administrators can bypass the reviewers of '$env': turn off 'Allow administrators to bypass configured protection rules'"
    fi
  fi
  if [ "$(jq '.deployment_branch_policy == null' "$file")" = true ]; then
    echo "::warning::any branch or tag can run jobs in the GitHub environment '$env', with its own copy of this workflow (and of these rules): limit it in Settings > Environments > $env > Deployment branches and tags"
  fi
}

check_environment() {
  local env=$1 api=${GITHUB_API_URL:-https://api.github.com} body status
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY (owner/name) is not set}"
  : "${GITHUB_TOKEN:?GITHUB_TOKEN is not set: pass the job token to this step (env GITHUB_TOKEN: github.token)}"
  body=$(mktemp)
  trap 'rm -f "$body"' RETURN
  if ! status=$(curl --silent --show-error --location --output "$body" --write-out '%{http_code}' \
      --header "Authorization: Bearer $GITHUB_TOKEN" \
      --header "Accept: application/vnd.github+json" \
      --header "X-GitHub-Api-Version: 2022-11-28" \
      "$api/repos/$GITHUB_REPOSITORY/environments/$env"); then
    refuse "could not reach the GitHub API at $api to read environment '$env': its required reviewers cannot be confirmed"
  fi
  case "$status" in
    200) check_reviewers "$env" "$body" ;;
    401|403)
      refuse "the job's token may not read environment '$env' (HTTP $status: $(jq -r '.message? // empty' "$body" 2>/dev/null)): give the job 'permissions: actions: read'; its required reviewers cannot be confirmed" ;;
    404)
      refuse "the GitHub environment '$env' does not exist (HTTP 404), or this repository's plan has no environments (private repositories on GitHub Free): create it with required reviewers in Settings > Environments; a job naming a missing environment would create it unprotected" ;;
    *)
      refuse "reading environment '$env' failed (HTTP $status): its required reviewers cannot be confirmed" ;;
  esac
}

# The run-name promote.yml gives itself; a sit promotion's starts with this.
SIT_RUN_NAME_PREFIX="promote sit from "

check_passed_sit() {
  local env=$1 sha=$2 api=${GITHUB_API_URL:-https://api.github.com} body status count
  [ "$env" = prod ] || { echo "no earlier promotion is needed before $env"; return 0; }
  [[ "$sha" =~ ^[0-9a-f]{40}$ ]] || refuse "'$sha' is not a commit SHA: give github.sha, the commit of the release tag"
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY (owner/name) is not set}"
  : "${GITHUB_TOKEN:?GITHUB_TOKEN is not set: pass the job token to this step (env GITHUB_TOKEN: github.token)}"
  body=$(mktemp)
  trap 'rm -f "$body"' RETURN
  if ! status=$(curl --silent --show-error --location --output "$body" --write-out '%{http_code}' \
      --header "Authorization: Bearer $GITHUB_TOKEN" \
      --header "Accept: application/vnd.github+json" \
      --header "X-GitHub-Api-Version: 2022-11-28" \
      "$api/repos/$GITHUB_REPOSITORY/actions/workflows/promote.yml/runs?head_sha=$sha&status=success&event=workflow_dispatch&per_page=100"); then
    refuse "could not reach the GitHub API at $api to read the promotions of commit $sha: that it passed sit cannot be confirmed"
  fi
  [ "$status" = 200 ] || refuse "reading the promotions of commit $sha failed (HTTP $status: $(jq -r '.message? // empty' "$body" 2>/dev/null)): that it passed sit cannot be confirmed; the job needs 'permissions: actions: read'"
  if ! count=$(jq --arg sha "$sha" --arg prefix "$SIT_RUN_NAME_PREFIX" '[.workflow_runs[]? | select(.head_sha == $sha and .conclusion == "success" and .path == ".github/workflows/promote.yml" and ((.display_title // "") | startswith($prefix)))] | length' "$body" 2>/dev/null); then
    refuse "the answer for the promotions of commit $sha is not the JSON of workflow runs: that it passed sit cannot be confirmed"
  fi
  if [ "$count" -eq 0 ]; then
    refuse "prod is promoted only from a commit that passed sit, and no sit promotion of $sha succeeded: promote its v*-sit tag to sit first (and let its check after the apply pass), then tag that same commit for prod"
  fi
  echo "commit $sha passed sit ($count successful sit promotion(s))"
}

usage() {
  echo "usage: $0 ref ENV REF | environment ENV | reviewers ENV FILE | passed-sit ENV SHA" >&2
  exit 64
}

case "${1:-}" in
  ref) [ $# -eq 3 ] || usage; check_ref "$2" "$3" ;;
  environment) [ $# -eq 2 ] || usage; known_env "$2"; check_environment "$2" ;;
  reviewers) [ $# -eq 3 ] || usage; known_env "$2"; check_reviewers "$2" "$3" ;;
  passed-sit) [ $# -eq 3 ] || usage; known_env "$2"; check_passed_sit "$2" "$3" ;;
  *) usage ;;
esac
