#!/usr/bin/env bash
# Builds the book in every language and checks it: the pinned mdBook tools (installed into a
# cache outside the clone), both languages built with no warnings, the zh-TW catalog complete
# and in step with the English sources, every page in both languages, no broken internal
# links, and, when CUMULUS_BIN names a built `cumulus` binary, the command outputs the book
# shows still match what the command prints.
#
#   bash .ci/book.sh                                   # tools, builds, catalog, links
#   bash .ci/book.sh --tools-only                      # only install the tools
#   CUMULUS_BIN=target/debug/cumulus bash .ci/book.sh  # also the shown outputs
#   CUMULUS_PART1=target/debug/examples/part1 ...      # and Part 1's output and map
#   CUMULUS_PART2=target/debug/examples/part2 ...      # and Part 2's output and figures
#   CUMULUS_PART3_OUTPUT=out.txt CUMULUS_PART3_FIGURES=dir # what `convection DATA 4 dir` printed
#                                                          # and drew (it needs the ml feature)
#
# The books end up in book/book/<lang>/ (git-ignored). See book/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BOOK=$ROOT/book
CACHE=${CUMULUS_CACHE:-$HOME/.cache/cumulus}
TOOLS=$CACHE/tools
MDBOOK_VERSION=0.5.4
I18N_VERSION=0.4.0
LANGS=(zh-TW)          # translations; each has book/po/<lang>.po
OUT=$BOOK/book
fail() { printf '\nBOOK CHECK FAILED: %s\n' "$*" >&2; exit 1; }
# A failed check is recorded and the later checks still run, so one run lists every problem.
failed=()
check_failed() { failed+=("$*"); printf -- '--- book: FAILED: %s\n' "$*" >&2; }
say() { printf -- '--- book: %s\n' "$*"; }

command -v python3 > /dev/null || fail "python3 is needed for the checks"

# 1. Tools, pinned, cached outside the clone, built only when missing or at another version.
installed() { cargo install --list --root "$TOOLS" 2>/dev/null | grep -qx "$1 v$2:"; }
install_tool() {  # crate version [cargo install flags]
    local crate=$1 version=$2; shift 2
    if installed "$crate" "$version"; then return; fi
    say "installing $crate $version into $TOOLS (a few minutes, once)"
    local t0=$SECONDS
    # A temporary build folder: the CI target folder is not polluted with the tools' builds.
    env -u CARGO_TARGET_DIR cargo install --quiet --locked --root "$TOOLS" "$@" "$crate@$version" \
        || fail "cannot install $crate $version"
    say "installed $crate $version in $((SECONDS - t0)) s"
}
# mdbook without `serve` and `watch` (not needed to build; they pull in a web server).
install_tool mdbook "$MDBOOK_VERSION" --no-default-features --features search
install_tool mdbook-i18n-helpers "$I18N_VERSION"
export PATH="$TOOLS/bin:$PATH"
say "$(mdbook --version), mdbook-i18n-helpers $I18N_VERSION"
if [ "${1:-}" = --tools-only ]; then exit 0; fi

# 2. Builds. mdbook reports missing includes and similar problems as WARN or ERROR lines and
# may still exit 0, so any such line fails the check.
build() {  # lang dest [extra env]
    local lang=$1 dest=$2 log
    log=$(mktemp)
    rm -rf "$dest"
    if ! env "${@:3}" MDBOOK_BOOK__LANGUAGE="$lang" mdbook build "$BOOK" -d "$dest" > "$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; fail "mdbook build failed for language $lang"
    fi
    if grep -E '(^|[[:space:]])(WARN|ERROR)[[:space:]]' "$log" >&2; then
        rm -f "$log"; fail "mdbook printed warnings or errors for language $lang (above)"
    fi
    rm -f "$log"
}
build en "$OUT/en"
for lang in "${LANGS[@]}"; do
    [ -f "$BOOK/po/$lang.po" ] || fail "book/po/$lang.po is missing"
    build "$lang" "$OUT/$lang"
done
say "built: ${LANGS[*]} and en, in $OUT"

# 3. The translations are complete and in step: extract the English messages now and compare.
build en "$OUT/xgettext" MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}'
pos=()
for lang in "${LANGS[@]}"; do pos+=("$BOOK/po/$lang.po"); done
python3 .ci/book/check_po.py "$OUT/xgettext/messages.pot" "${pos[@]}" \
    || check_failed "the zh-TW translation is not in step with the English book (list above)"

# 4. Every page exists in every language, and the translated books say their language.
en_pages=$(cd "$OUT/en" && find . -name '*.html' | sort)
for lang in "${LANGS[@]}"; do
    lang_pages=$(cd "$OUT/$lang" && find . -name '*.html' | sort)
    if [ "$en_pages" != "$lang_pages" ]; then
        diff <(echo "$en_pages") <(echo "$lang_pages") >&2 || true
        check_failed "the pages of $lang differ from the English ones (diff above: < en, > $lang)"
    fi
    grep -q "<html lang=\"$lang\"" "$OUT/$lang/index.html" || check_failed "$OUT/$lang/index.html is not marked as $lang"
done
say "pages: $(echo "$en_pages" | wc -l) in English"

# 5. No broken internal links, in any language.
rm -rf "$OUT/xgettext"
python3 .ci/book/check_links.py "$OUT" || check_failed "broken internal links (list above)"

# 6. The command outputs shown in the book are what the command prints today.
if [ -n "${CUMULUS_BIN:-}" ]; then
    [ -x "$CUMULUS_BIN" ] || fail "CUMULUS_BIN=$CUMULUS_BIN is not an executable"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    shown=$BOOK/src/part0
    "$CUMULUS_BIN" gen --help | sed -n '/^Options:/,$p' > "$tmp/gen-help.txt"
    diff -u "$shown/gen-help.txt" "$tmp/gen-help.txt" >&2 \
        || check_failed "book/src/part0/gen-help.txt differs from 'cumulus gen --help' (diff above)"
    (cd "$tmp" && "$CUMULUS_BIN" gen --preset tiny --out "$tmp/booktiny" --quiet > "$tmp/gen-tiny.txt")
    # The last column (seconds) and the total line's timing depend on the machine.
    mask() { sed -E -e 's/[[:space:]]+[0-9.]+$//' -e 's/ in [0-9.]+ s on .*$//' "$1"; }
    diff -u <(mask "$shown/gen-tiny.txt") <(mask "$tmp/gen-tiny.txt") >&2 \
        || check_failed "book/src/part0/gen-tiny.txt differs from what 'cumulus gen --preset tiny' prints (diff above)"
    diff -u "$shown/temperature-zarray.json" "$tmp/booktiny/era5_2019_10N40N_100E140E.zarr/temperature/.zarray" >&2 \
        || check_failed "book/src/part0/temperature-zarray.json differs from the generated store's"
    say "the outputs shown in the book checked against $CUMULUS_BIN"
    # Part 1: the walkthrough example's output and its map are what the book shows.
    if [ -n "${CUMULUS_PART1:-}" ]; then
        mkdir -p "$tmp/figures"
        "$CUMULUS_PART1" "$tmp/booktiny" "$tmp/figures" > "$tmp/part1-output.txt" 2> "$tmp/part1-log.txt" \
            || { cat "$tmp/part1-log.txt" >&2; fail "the part1 example failed"; }
        diff -u "$BOOK/src/part1/part1-output.txt" "$tmp/part1-output.txt" >&2 \
            || check_failed "book/src/part1/part1-output.txt differs from what the part1 example prints (diff above)"
        for fig in t850-june-mean.png simple-mean-graph.svg standardized-anomaly-graph.svg wind-speed-mean-graph.svg; do
            cmp -s "$BOOK/src/part1/$fig" "$tmp/figures/$fig" \
                || check_failed "book/src/part1/$fig is not what the part1 example draws today (run it with book/src/part1 as its second argument)"
        done
        say "Part 1's output and map checked against $CUMULUS_PART1"
    fi
    # Part 2: the same for the spatio-temporal example (it writes its stores under booktiny/part2).
    if [ -n "${CUMULUS_PART2:-}" ]; then
        mkdir -p "$tmp/figures2"
        "$CUMULUS_PART2" "$tmp/booktiny" "$tmp/figures2" > "$tmp/part2-output.txt" 2> "$tmp/part2-log.txt" \
            || { cat "$tmp/part2-log.txt" >&2; fail "the part2 example failed"; }
        diff -u "$BOOK/src/part2/part2-output.txt" "$tmp/part2-output.txt" >&2 \
            || check_failed "book/src/part2/part2-output.txt differs from what the part2 example prints (diff above)"
        for fig in taiwan-summer-daily.png t850-anomaly-map.png compression-ratios.png; do
            cmp -s "$BOOK/src/part2/$fig" "$tmp/figures2/$fig" \
                || check_failed "book/src/part2/$fig is not what the part2 example draws today (run it with book/src/part2 as its second argument)"
        done
        say "Part 2's output and figures checked against $CUMULUS_PART2"
    fi
    # Part 3: the convection example is run by .ci/run's step 4i (it needs the ml feature);
    # what it printed and drew there must be what the book shows.
    if [ -n "${CUMULUS_PART3_OUTPUT:-}" ]; then
        diff -u "$BOOK/src/part3/convection-output.txt" "$CUMULUS_PART3_OUTPUT" >&2 \
            || check_failed "book/src/part3/convection-output.txt differs from what the convection example prints (diff above)"
        for fig in convection-loss.png convection-verification.png convection-correlation-series.png convection-confusion.png; do
            cmp -s "$BOOK/src/part3/$fig" "$CUMULUS_PART3_FIGURES/$fig" \
                || check_failed "book/src/part3/$fig is not what the convection example draws today (run it with DATA 4 book/src/part3)"
        done
        say "Part 3's output and figures checked against $CUMULUS_PART3_OUTPUT"
    fi
else
    say "CUMULUS_BIN not set: the shown command outputs were not re-checked"
fi
if [ ${#failed[@]} -gt 0 ]; then
    printf '\nBOOK CHECK FAILED (%d):\n' "${#failed[@]}" >&2
    printf '  - %s\n' "${failed[@]}" >&2
    exit 1
fi
say "all book checks passed"
