import { WORKSPACE } from "../engine/naming.js";

/** Exit codes our scripts use to say what went wrong (clear of git's own 1, 128, 129). */
export const GIT_EXIT = { conflict: 94, noProject: 91, badPack: 96, missingCommit: 97, badBranch: 98, badTree: 99 } as const;

/** Where a bundle's objects land until its checkout moves them to /workspace/.git. */
export const STAGING = `${WORKSPACE}/.git.clawdspace-import`;

/**
 * The environment of every git we run in a space. The space is an attacker: its repository's
 * config may name hooks, an fsmonitor or a pager; none of those run for us (its clean/smudge
 * filters still would, as the space's own user, bounded by the call's deadline). No system or
 * global config, no prompts, no optional index writes from a read.
 */
export const GIT_ENV: Record<string, string> = {
  HOME: "/home/sandbox",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
  GIT_PAGER: "cat",
  GIT_CONFIG_COUNT: "4",
  GIT_CONFIG_KEY_0: "core.fsmonitor",
  GIT_CONFIG_VALUE_0: "false",
  GIT_CONFIG_KEY_1: "core.hooksPath",
  GIT_CONFIG_VALUE_1: "/dev/null",
  GIT_CONFIG_KEY_2: "color.ui",
  GIT_CONFIG_VALUE_2: "false",
  GIT_CONFIG_KEY_3: "gc.auto",
  GIT_CONFIG_VALUE_3: "0",
  GIT_AUTHOR_NAME: "Clawdspace",
  GIT_AUTHOR_EMAIL: "clawdspace@localhost",
  GIT_COMMITTER_NAME: "Clawdspace",
  GIT_COMMITTER_EMAIL: "clawdspace@localhost",
};

const PRELUDE = `set -u
ws=${WORKSPACE}
stage=${STAGING}
fail() { code=$1; shift; printf '%s\\n' "$*" >&2; exit "$code"; }
cd "$ws" || exit 1
# what a fresh space may already hold: the server's own folder and the shell history
others() { find . -mindepth 1 -maxdepth 1 ! -name .clawdspace ! -name .bash_history ! -name .git.clawdspace-import -print -quit; }
`;

// The space's uncommitted work (staged, unstaged, untracked and not ignored) as a tree, made in a
// temporary index and object folder: the space's own index, worktree and object store stay as they are.
const SNAPSHOT = `base=$(git rev-parse -q --verify 'refs/clawdspace/base^{commit}') || fail ${GIT_EXIT.noProject} "this space has no project: it was not made from a repository (or refs/clawdspace/base is gone)"
head=$(git rev-parse -q --verify 'HEAD^{commit}') || fail ${GIT_EXIT.noProject} "the space's HEAD names no commit"
t=$(mktemp -d "$ws/.git/clawdspace-snapshot.XXXXXX") || exit 1
trap 'rm -rf -- "$t"' EXIT
mkdir "$t/objects"
export GIT_ALTERNATE_OBJECT_DIRECTORIES="$ws/.git/objects" GIT_OBJECT_DIRECTORY="$t/objects" GIT_INDEX_FILE="$t/index"
if [ -f .git/index ]; then cp .git/index "$t/index"; else git read-tree HEAD || exit 1; fi
git add -A -- . || exit 1
tree=$(git write-tree) || exit 1
`;

export const PROJECT_SCRIPTS = {
  // $1 object format. Refuses a workspace that holds anything; makes the staging repository.
  prepare: `[ -e .git ] && fail ${GIT_EXIT.conflict} "/workspace already holds a git repository"
[ -n "$(others)" ] && fail ${GIT_EXIT.conflict} "/workspace is not empty"
rm -rf -- "$stage"
exec git init -q --bare --object-format="$1" "$stage"`,
  // stdin: the bundle's pack; $1 the largest pack we take.
  receive: `[ -d "$stage" ] || fail ${GIT_EXIT.conflict} "the import was interrupted"
GIT_DIR=$stage git index-pack --stdin --max-input-size="$1" >/dev/null || { rm -rf -- "$stage"; fail ${GIT_EXIT.badPack} "git index-pack refused the bundle's pack"; }`,
  // A failed import leaves nothing behind, whichever step it stopped at (an aborted upload kills index-pack before its own cleanup).
  discard: `[ -e .git ] || [ ! -e "$stage" ] || rm -rf -- "$stage"`,
  // $1 branch, $2 base, $3 index, $4 worktree (commits in the staging repository).
  checkout: `for c in "$2" "$3" "$4"; do GIT_DIR=$stage git cat-file -e "$c^{commit}" 2>/dev/null || { rm -rf -- "$stage"; fail ${GIT_EXIT.missingCommit} "commit $c is not in the bundle"; }; done
git check-ref-format "refs/heads/$1" || { rm -rf -- "$stage"; fail ${GIT_EXIT.badBranch} "not a branch name: $1"; }
# read-tree refuses paths no checkout may write (.., .git, absolute): tried in a scratch index first
for c in "$3" "$4"; do GIT_DIR=$stage GIT_INDEX_FILE=$stage/check-index git read-tree "$c" || { rm -rf -- "$stage"; fail ${GIT_EXIT.badTree} "the tree of $c cannot be checked out"; }; done
rm -f -- "$stage/check-index"
[ -e .git ] && fail ${GIT_EXIT.conflict} "/workspace already holds a git repository"
mv -T -- "$stage" .git || exit 1
git config core.bare false && git config core.logAllRefUpdates true || exit 1
git update-ref "refs/heads/$1" "$2" && git update-ref refs/clawdspace/base "$2" && git symbolic-ref HEAD "refs/heads/$1" || exit 1
mkdir -p .git/info && printf '/.clawdspace/\\n/.bash_history\\n' >> .git/info/exclude || exit 1
# the working tree first (untracked files included), then the index as it was staged
git read-tree "$4" && git checkout-index -a -f && git read-tree "$3" || fail ${GIT_EXIT.badTree} "checking out the working tree failed"
git update-index -q --refresh >/dev/null 2>&1
exit 0`,
  // $1 "stat" or "patch". Commits since the base, then the uncommitted work against HEAD.
  diff: `${SNAPSHOT}
mode=-p; [ "$1" = stat ] && mode=--stat
if [ "$base" != "$head" ]; then printf '# commits since the base %s\\n\\n' "$base"; git log --reverse --stat $mode "$base..$head" || exit 1; echo; fi
if [ "$tree" != "$(git rev-parse "$head^{tree}")" ]; then printf '# uncommitted work on %s\\n\\n' "$head"; git diff --cached $mode "$head" || exit 1
else printf '# no uncommitted work\\n'; fi`,
  // $1 the space's name. A bundle of base..tip, tip being HEAD plus a commit of the uncommitted work.
  bundle: `${SNAPSHOT}
tip=$head
[ "$tree" != "$(git rev-parse "$head^{tree}")" ] && { tip=$(git commit-tree "$tree" -p "$head" -m "Uncommitted work in space $1") || exit 1; }
if [ "$(git rev-parse --show-object-format)" = sha256 ]; then printf '# v3 git bundle\\n@object-format=sha256\\n'; else printf '# v2 git bundle\\n'; fi
printf -- '-%s\\n%s refs/clawdspace/head\\n%s HEAD\\n\\n' "$base" "$head" "$tip"
printf '%s\\n^%s\\n' "$tip" "$base" | exec git pack-objects --stdout --revs --thin -q`,
} as const;

export type ProjectScript = keyof typeof PROJECT_SCRIPTS;

export const projectArgv = (script: ProjectScript, args: string[]) => ["/bin/sh", "-c", PRELUDE + PROJECT_SCRIPTS[script], "clawdspace-project", ...args];
