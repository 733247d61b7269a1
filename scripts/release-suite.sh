#!/usr/bin/env bash
# Releases multi-arch-of-madness ITSELF: every action (actions/*) and the reusable workflow share one version,
# vX.Y.Z. Run by .github/workflows/suite-release.yml; works the same from a maintainer's checkout.
#
#   bash scripts/release-suite.sh plan <tag>                  what releasing <tag> would do (changes nothing)
#   bash scripts/release-suite.sh check <tag>                 <tag> is SemVer, checked out, and dist/ is a fresh build
#   bash scripts/release-suite.sh apply <tag> [options]       GitHub release with notes; move vX and vX.Y to <tag>
#   bash scripts/release-suite.sh rollback <vX> <vX.Y.Z> [options]
#                                                             move vX (and vX.Y) back to an earlier release
# Options:
#   --dry-run            the local repository only: tags are created/moved locally, the notes are written to
#                        a file; nothing is pushed and gh is never called
#   --notes-file <path>  where apply writes the release notes (default: a new temporary file)
#   --skip-dist-check    apply only: do not rebuild dist/ (for the workflow's release job, after its test job
#                        ran `check` on the same commit)
#   --remote <name>      the remote to push the moved tags to (default: origin)
#
# Rules: a release tag is vX.Y.Z or vX.Y.Z-<prerelease> (SemVer 2.0.0, no build metadata). A stable release
# moves vX.Y and vX to its commit, each only forward: a patch of an older line (v1.1.4 after v1.2.0 exists)
# moves v1.1 but not v1. A prerelease moves nothing. The notes list the commits since the previous stable
# release (the highest vX.Y.Z below this version). Moved tags are pushed atomically with a lease on their
# old values, so a concurrent change to them fails the push instead of being overwritten.
#
# Operates on the git repository of the current directory. Environment: GH_TOKEN (gh, and git push through
# gh's credential helper when set), GITHUB_REPOSITORY and GITHUB_SERVER_URL (links; default
# moam-project/multi-arch-of-madness on https://github.com), GITHUB_STEP_SUMMARY (the plan is appended).
set -euo pipefail

readonly PROG=release-suite
readonly IDENT='(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)'
readonly SEMVER_RE="^v(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-${IDENT}(\\.${IDENT})*)?\$"
readonly MAJOR_TAG_RE='^v(0|[1-9][0-9]*)$'
REPOSITORY=${GITHUB_REPOSITORY:-moam-project/multi-arch-of-madness}
SERVER_URL=${GITHUB_SERVER_URL:-https://github.com}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

usage_error() {
  printf '%s: %s (see --help)\n' "$PROG" "$*" >&2
  exit 2
}

die() {
  local message="$*"
  if [ "${GITHUB_ACTIONS:-}" = true ]; then
    local escaped=${message//'%'/'%25'}
    escaped=${escaped//$'\r'/'%0D'}
    escaped=${escaped//$'\n'/'%0A'}
    printf '::error title=%s::%s\n' "$PROG" "$escaped"
  fi
  printf '%s: %s\n' "$PROG" "$message" >&2
  exit 1
}

summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi
}

# shellcheck source=scripts/release-suite/plan.sh
source "$(dirname "${BASH_SOURCE[0]}")/release-suite/plan.sh"

cmd_plan() {
  plan_release "$1"
  print_plan
  echo "notes:"
  render_notes
  {
    printf '### Release plan for %s\n\n```text\n' "$TAG"
    print_plan
    printf '```\n\n'
    render_notes
  } | summary
}

cmd_check() {
  local tag=$1 commit
  parse_tag "$tag"
  commit=$(tag_commit "$tag")
  [ -n "$commit" ] || die "tag $tag does not exist in this repository"
  require_head_at "$tag" "$commit"
  check_dist "$tag"
  echo "$tag is ready to release: commit $commit, dist/ matches a fresh build"
}

cmd_apply() {
  local tag=$1
  plan_release "$tag"
  if [ "$TAG_EXISTS" != true ]; then
    die "tag $tag does not exist: tag the release commit and push the tag first (git tag -a $tag -m $tag && git push origin $tag)"
  fi
  require_head_at "$tag" "$COMMIT"
  print_plan
  if [ "$SKIP_DIST_CHECK" = true ]; then
    echo "dist/ check skipped (--skip-dist-check: checked by an earlier job on this commit)"
  else
    check_dist "$tag"
  fi

  local notes=$NOTES_FILE
  if [ -z "$notes" ]; then notes=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/release-notes-$tag.XXXXXX"); fi
  render_notes >"$notes"
  echo "notes: $notes"
  { printf '### Release %s\n\n```text\n' "$TAG"; print_plan; printf '```\n\n'; cat "$notes"; } | summary

  if [ "$DRY_RUN" = true ]; then
    move_local "local only"
    echo "dry run: no GitHub release created, nothing pushed"
    return
  fi

  command -v gh >/dev/null || die "gh (the GitHub CLI) is not installed"
  local -a repo_args=()
  if [ -n "${GITHUB_REPOSITORY:-}" ]; then repo_args=(--repo "$GITHUB_REPOSITORY"); fi
  if gh release view "$TAG" ${repo_args[@]+"${repo_args[@]}"} >/dev/null 2>&1; then
    echo "the GitHub release $TAG exists already (a re-run): left as it is"
  else
    local -a flags=(--latest="$LATEST")
    if [ -n "$T_PRE" ]; then flags=(--prerelease --latest=false); fi
    gh release create "$TAG" --verify-tag --title "$TAG" --notes-file "$notes" "${flags[@]}" ${repo_args[@]+"${repo_args[@]}"} ||
      die "gh release create $TAG failed"
    echo "created the GitHub release $TAG"
  fi
  push_moves "$REMOTE"
}

cmd_rollback() {
  local major=$1 target=$2
  [[ $major =~ $MAJOR_TAG_RE ]] || die "\"$major\" is not a major tag like v1: a rollback moves vX (and the target's vX.Y)"
  parse_tag "$target"
  [ -z "$T_PRE" ] || die "$target is a prerelease: a rollback target must be a stable vX.Y.Z release"
  [ "v$T_MAJOR" = "$major" ] || die "$target is not a $major.* release: $major can only be moved to a release of the same major version"
  local commit
  commit=$(tag_commit "$target")
  [ -n "$commit" ] || die "tag $target does not exist: pick an existing release (git tag --list '$major.*')"

  TAG=$target
  MOVE_NAMES=() MOVE_OLD=() MOVE_NEW=() KEEPS=()
  add_move "$major" "$commit"
  add_move "$major.$T_MINOR" "$commit"
  printf 'rollback: %s to %s\ncommit: %s\n' "$major" "$target" "$commit"
  print_moves
  {
    printf '### Rollback of %s to %s\n\n```text\n' "$major" "$target"
    print_moves
    printf '```\n'
  } | summary
  if [ "$DRY_RUN" = true ]; then
    move_local "local only"
    echo "dry run: nothing pushed"
    return
  fi
  push_moves "$REMOTE"
}

main() {
  [ $# -gt 0 ] || usage_error "no command"
  local command=$1
  shift
  DRY_RUN=false SKIP_DIST_CHECK=false NOTES_FILE="" REMOTE=origin
  local -a args=()
  while [ $# -gt 0 ]; do
    case $1 in
      --dry-run) DRY_RUN=true ;;
      --skip-dist-check) SKIP_DIST_CHECK=true ;;
      --notes-file) [ $# -ge 2 ] || usage_error "--notes-file needs a path"; NOTES_FILE=$2; shift ;;
      --notes-file=*) NOTES_FILE=${1#*=} ;;
      --remote) [ $# -ge 2 ] || usage_error "--remote needs a name"; REMOTE=$2; shift ;;
      --remote=*) REMOTE=${1#*=} ;;
      -h | --help) usage; exit 0 ;;
      --) shift; args+=("$@"); break ;;
      -*) usage_error "unknown option $1" ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  case $command in
    -h | --help | help) usage; exit 0 ;;
    plan | check | apply | rollback) ;;
    *) usage_error "unknown command \"$command\"" ;;
  esac
  if [ "$DRY_RUN" = true ] && [ "$command" != apply ] && [ "$command" != rollback ]; then usage_error "--dry-run is for apply and rollback"; fi
  if [ "$SKIP_DIST_CHECK" = true ] && [ "$command" != apply ]; then usage_error "--skip-dist-check is for apply"; fi
  if [ -n "$NOTES_FILE" ] && [ "$command" != apply ]; then usage_error "--notes-file is for apply"; fi
  git rev-parse --git-dir >/dev/null 2>&1 || die "not inside a git repository"

  case $command in
    plan) [ ${#args[@]} -eq 1 ] || usage_error "plan takes one tag"; cmd_plan "${args[0]}" ;;
    check) [ ${#args[@]} -eq 1 ] || usage_error "check takes one tag"; cmd_check "${args[0]}" ;;
    apply) [ ${#args[@]} -eq 1 ] || usage_error "apply takes one tag"; cmd_apply "${args[0]}" ;;
    rollback) [ ${#args[@]} -eq 2 ] || usage_error "rollback takes a major tag and a release tag, e.g. rollback v1 v1.2.3"; cmd_rollback "${args[0]}" "${args[1]}" ;;
  esac
}

main "$@"
