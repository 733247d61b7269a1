# Sourced by scripts/release-suite.sh: reading release tags, planning which moving tags follow a release,
# the release notes, and moving the tags (locally, then pushed all or none). Uses the caller's PROG, SEMVER_RE,
# MAJOR_TAG_RE, REPOSITORY, SERVER_URL and die.
# shellcheck shell=bash
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
