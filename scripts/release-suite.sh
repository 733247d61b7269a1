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

# The commit a tag points to (annotated or not), or nothing.
tag_commit() {
  git rev-parse --verify --quiet "refs/tags/$1^{commit}" || true
}

short() {
  if [ -n "$1" ]; then printf '%s' "${1:0:12}"; else printf 'none'; fi
}

# Sets T_MAJOR T_MINOR T_PATCH T_PRE from a release tag, or refuses it.
parse_tag() {
  local tag=$1
  if ! [[ $tag =~ $SEMVER_RE ]]; then
    die "\"$tag\" is not a SemVer release tag: expected vX.Y.Z or vX.Y.Z-<prerelease>, e.g. v1.2.3 or v1.3.0-rc.1 (no leading zeros, no build metadata)"
  fi
  T_MAJOR=${BASH_REMATCH[1]}
  T_MINOR=${BASH_REMATCH[2]}
  T_PATCH=${BASH_REMATCH[3]}
  T_PRE=${BASH_REMATCH[4]#-}
}

# -1, 0 or 1: version a.b.c compared to x.y.z.
compare() {
  local -a a=("$1" "$2" "$3") b=("$4" "$5" "$6")
  local i
  for i in 0 1 2; do
    if ((a[i] < b[i])); then echo -1 && return; fi
    if ((a[i] > b[i])); then echo 1 && return; fi
  done
  echo 0
}

# Every stable release tag as "tag major minor patch".
stable_tags() {
  local tag
  while IFS= read -r tag; do
    if [[ $tag =~ $SEMVER_RE ]] && [ -z "${BASH_REMATCH[4]}" ]; then
      printf '%s %s %s %s\n' "$tag" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
    fi
  done < <(git for-each-ref --format='%(refname:strip=2)' refs/tags/)
}

# A move of a moving tag: MOVE_NAMES[i] from MOVE_OLD[i] ("" = does not exist yet) to MOVE_NEW[i].
add_move() {
  MOVE_NAMES+=("$1")
  MOVE_OLD+=("$(tag_commit "$1")")
  MOVE_NEW+=("$2")
}

# Everything a release of TAG means: sets TAG COMMIT TAG_EXISTS VERSION PREVIOUS LATEST, the moves and KEEPS.
plan_release() {
  TAG=$1
  parse_tag "$TAG"
  VERSION="$T_MAJOR.$T_MINOR.$T_PATCH${T_PRE:+-$T_PRE}"
  COMMIT=$(tag_commit "$TAG")
  TAG_EXISTS=true
  if [ -z "$COMMIT" ]; then
    TAG_EXISTS=false
    COMMIT=$(git rev-parse --verify HEAD)
  fi

  PREVIOUS=""
  local prev_major=0 prev_minor=0 prev_patch=0 newer_overall="" newer_major="" newer_minor=""
  local t major minor patch
  while read -r t major minor patch; do
    [ "$t" = "$TAG" ] && continue
    case $(compare "$major" "$minor" "$patch" "$T_MAJOR" "$T_MINOR" "$T_PATCH") in
      -1)
        if [ -z "$PREVIOUS" ] || [ "$(compare "$major" "$minor" "$patch" "$prev_major" "$prev_minor" "$prev_patch")" = 1 ]; then
          PREVIOUS=$t prev_major=$major prev_minor=$minor prev_patch=$patch
        fi
        ;;
      1)
        newer_overall=$t
        if [ "$major" = "$T_MAJOR" ]; then newer_major=$t; fi
        if [ "$major" = "$T_MAJOR" ] && [ "$minor" = "$T_MINOR" ]; then newer_minor=$t; fi
        ;;
    esac
  done < <(stable_tags)

  MOVE_NAMES=() MOVE_OLD=() MOVE_NEW=() KEEPS=()
  LATEST=false
  if [ -n "$T_PRE" ]; then
    KEEPS+=("v$T_MAJOR v$T_MAJOR.$T_MINOR (a prerelease moves no tags)")
    return
  fi
  if [ -z "$newer_overall" ]; then LATEST=true; fi
  if [ -z "$newer_major" ]; then add_move "v$T_MAJOR" "$COMMIT"; else KEEPS+=("v$T_MAJOR ($newer_major is newer)"); fi
  if [ -z "$newer_minor" ]; then add_move "v$T_MAJOR.$T_MINOR" "$COMMIT"; else KEEPS+=("v$T_MAJOR.$T_MINOR ($newer_minor is newer)"); fi
}

print_moves() {
  local i
  for i in "${!MOVE_NAMES[@]}"; do
    if [ "${MOVE_OLD[i]}" = "${MOVE_NEW[i]}" ]; then
      printf 'move: %s already at %s\n' "${MOVE_NAMES[i]}" "$(short "${MOVE_NEW[i]}")"
    else
      printf 'move: %s %s -> %s\n' "${MOVE_NAMES[i]}" "$(short "${MOVE_OLD[i]}")" "$(short "${MOVE_NEW[i]}")"
    fi
  done
  local keep
  for keep in ${KEEPS[@]+"${KEEPS[@]}"}; do printf 'keep: %s\n' "$keep"; done
}

print_plan() {
  printf 'tag: %s\n' "$TAG"
  if [ "$TAG_EXISTS" = true ]; then
    printf 'commit: %s\n' "$COMMIT"
  else
    printf 'commit: %s (HEAD: the tag does not exist yet)\n' "$COMMIT"
  fi
  printf 'version: %s\n' "$VERSION"
  printf 'prerelease: %s\n' "$([ -n "$T_PRE" ] && echo true || echo false)"
  printf 'previous: %s\n' "${PREVIOUS:-none}"
  printf 'latest: %s\n' "$LATEST"
  print_moves
}

# The release notes (Markdown) of the planned release.
render_notes() {
  local range=$COMMIT
  if [ -n "$PREVIOUS" ]; then
    range="$PREVIOUS..$COMMIT"
    printf '## Changes since %s\n\n' "$PREVIOUS"
  else
    printf '## Changes\n\n'
  fi
  local log
  log=$(git log --no-merges --format='- %s (%h)' "$range" --)
  if [ -n "$log" ]; then printf '%s\n' "$log"; else printf -- '- No changes since %s.\n' "$PREVIOUS"; fi
  if [ -n "$PREVIOUS" ]; then
    printf '\nFull changelog: %s/%s/compare/%s...%s\n' "$SERVER_URL" "$REPOSITORY" "$PREVIOUS" "$TAG"
  fi

  printf '\n## Using %s\n\n' "$TAG"
  printf "This release is commit \`%s\`. Pin it by that SHA: a tag can be moved, a commit cannot.\n" "$COMMIT"
  local -a uses=()
  local dir
  while IFS= read -r dir; do
    if git cat-file -e "$COMMIT:$dir/action.yml" 2>/dev/null; then uses+=("uses: $REPOSITORY/$dir@$COMMIT # $TAG"); fi
  done < <(git ls-tree -d --name-only "$COMMIT" actions/ 2>/dev/null)
  if git cat-file -e "$COMMIT:.github/workflows/multi-arch.yml" 2>/dev/null; then
    uses+=("uses: $REPOSITORY/.github/workflows/multi-arch.yml@$COMMIT # $TAG")
  fi
  if [ ${#uses[@]} -gt 0 ]; then
    printf '\n```yaml\n'
    printf '%s\n' "${uses[@]}"
    printf '```\n'
  fi
  printf '\n'
  if [ -n "$T_PRE" ]; then
    printf "This is a prerelease: \`v%s\` and \`v%s.%s\` do not move.\n" "$T_MAJOR" "$T_MAJOR" "$T_MINOR"
  else
    local moved="" name
    for name in ${MOVE_NAMES[@]+"${MOVE_NAMES[@]}"}; do moved+="${moved:+, }\`$name\`"; done
    if [ -n "$moved" ]; then printf 'Moving tags now at this commit: %s.\n' "$moved"; fi
    local keep
    for keep in ${KEEPS[@]+"${KEEPS[@]}"}; do printf "Not moved: \`%s\` %s.\n" "${keep%% *}" "${keep#* }"; done
  fi
}

require_head_at() {
  local head
  head=$(git rev-parse --verify HEAD)
  if [ "$head" != "$2" ]; then
    die "HEAD is $head, not the commit of $1 ($2): check it out first (git checkout $1)"
  fi
}

check_dist() {
  local root
  root=$(git rev-parse --show-toplevel)
  [ -f "$root/scripts/check-dist.sh" ] || die "$root/scripts/check-dist.sh not found: is this a multi-arch-of-madness checkout?"
  if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    die "the working tree has uncommitted changes: $1 is released as committed, so check it from a clean checkout of the tag"
  fi
  echo "checking that the committed dist/ bundles match a fresh build (scripts/check-dist.sh)"
  if ! (cd "$root" && bash scripts/check-dist.sh); then
    die "dist/ at $1 does not match a fresh build of its sources: run 'npm run build', commit actions/*/dist and release a new tag (never move $1)"
  fi
}

# Moves the planned tags in the local repository; $1 says where they moved.
move_local() {
  local i
  for i in "${!MOVE_NAMES[@]}"; do
    [ "${MOVE_OLD[i]}" = "${MOVE_NEW[i]}" ] && continue
    git tag --force --no-sign "${MOVE_NAMES[i]}" "${MOVE_NEW[i]}" >/dev/null
    printf 'moved %s to %s (%s)\n' "${MOVE_NAMES[i]}" "$(short "${MOVE_NEW[i]}")" "$1"
  done
}

# Pushes the planned moves, all or none, each only if the remote still has the old value we read.
push_moves() {
  local remote=$1 i
  local -a leases=() refspecs=() git_args=()
  for i in "${!MOVE_NAMES[@]}"; do
    [ "${MOVE_OLD[i]}" = "${MOVE_NEW[i]}" ] && continue
    leases+=("--force-with-lease=refs/tags/${MOVE_NAMES[i]}:${MOVE_OLD[i]}")
    refspecs+=("${MOVE_NEW[i]}:refs/tags/${MOVE_NAMES[i]}")
  done
  if [ ${#refspecs[@]} -eq 0 ]; then
    echo "no tag to move"
    return
  fi
  if [ -n "${GH_TOKEN:-}" ]; then
    # In CI the checkout keeps no credentials: git asks gh, which answers with GH_TOKEN, for this push only.
    git_args+=(-c credential.helper= -c 'credential.helper=!gh auth git-credential')
  fi
  if ! git ${git_args[@]+"${git_args[@]}"} push --atomic "${leases[@]}" "$remote" "${refspecs[@]}"; then
    die "pushing the moved tags to $remote failed, nothing was moved. 'stale info': another run moved them since this checkout; re-run to plan again. 'refusing to allow a GitHub App to create or update workflow': the token needs the workflows permission (the SUITE_RELEASE_TOKEN secret)"
  fi
  move_local "pushed to $remote"
}

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
