#!/usr/bin/env bash
# Refresh the pinned front-end assets in app/static/vendor/ from the npm registry.
#
# Usage: scripts/vendor_assets.sh
#
# - Fetches each pinned package with `npm pack` into a temporary directory
#   (the registry's published integrity is checked against the tarball).
# - Compiles GOV.UK Frontend's Sass ourselves with dart-sass so that the
#   service uses Arial instead of the GDS Transport font (this is a council
#   service, not GOV.UK: no GDS Transport and no crown/crest assets).
# - Copies only the files the app needs, then writes VERSIONS.txt with the
#   package, version and sha256 of every vendored file.
#
# The output is deterministic, so re-running with the same pins leaves the
# working tree unchanged. To upgrade, change a pin below and re-run.
set -euo pipefail

# ---- Pinned versions -------------------------------------------------------
GOVUK_FRONTEND_VERSION="6.3.0"   # latest 6.3.x
HTMX_VERSION="2.0.11"            # latest 2.0.x (htmx 4.x is a different API)
CHARTJS_VERSION="4.6.1"          # latest 4.x
SASS_VERSION="1.108.2"           # dart-sass (JS build), build tool only

# URL path at which app/static/vendor/govuk-frontend/assets/ is served.
GOVUK_ASSETS_URL="/static/vendor/govuk-frontend/assets/"

# ---------------------------------------------------------------------------
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/app/static/vendor"
MANAGED_DIRS=(govuk-frontend htmx chartjs)

log() { printf '[vendor] %s\n' "$*" >&2; }
die() { printf '[vendor] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in node npm tar sha256sum sed grep sort; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/out"          # staged vendor output, swapped in at the end
PKGS="$WORK/node_modules"  # extracted tarballs (also the Sass load path)
mkdir -p "$STAGE" "$PKGS" "$WORK/tarballs"
: >"$WORK/packages.tsv"
: >"$WORK/files.tsv"

# Run npm from the temp dir so no project .npmrc / package.json is involved.
npm_() { (cd "$WORK" && npm --no-audit --no-fund --no-update-notifier "$@"); }

# fetch PKG VERSION -> extracts the tarball to $PKGS/PKG
fetch() {
  local pkg="$1" version="$2" json filename integrity expected
  log "npm pack $pkg@$version"
  json="$(npm_ pack --json --pack-destination "$WORK/tarballs" "$pkg@$version")"
  filename="$(printf '%s' "$json" | node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(j[0].filename)')"
  integrity="$(printf '%s' "$json" | node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(j[0].integrity)')"
  expected="$(npm_ view "$pkg@$version" dist.integrity)"
  [[ -n "$integrity" && "$integrity" == "$expected" ]] \
    || die "$pkg@$version: tarball integrity '$integrity' != registry '$expected'"
  mkdir -p "$PKGS/$pkg"
  tar -xzf "$WORK/tarballs/$filename" -C "$PKGS/$pkg" --strip-components=1
  local got
  got="$(node -p "require('$PKGS/$pkg/package.json').version")"
  [[ "$got" == "$version" ]] || die "$pkg: expected version $version, tarball has $got"
  printf '%s\t%s\t%s\n' "$pkg" "$version" "$integrity" >>"$WORK/packages.tsv"
}

# put PKG VERSION SRC DEST_REL -> copy SRC to $STAGE/DEST_REL and record it
put() {
  local pkg="$1" version="$2" src="$3" dest="$STAGE/$4"
  [[ -f "$src" ]] || die "$pkg@$version: expected file missing: ${src#"$WORK"/}"
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
  chmod 0644 "$dest"
  printf '%s\t%s\t%s\n' "$pkg" "$version" "$4" >>"$WORK/files.tsv"
}

# Drop a trailing `//# sourceMappingURL=...map` comment (we do not ship maps,
# and browsers would otherwise request them when devtools are open).
strip_sourcemap_comment() {
  sed -E -i '$ s~//# sourceMappingURL=[^[:space:]]+\.map[[:space:]]*$~~' "$1"
}

# ---- govuk-frontend --------------------------------------------------------
fetch govuk-frontend "$GOVUK_FRONTEND_VERSION"
GF="$PKGS/govuk-frontend/dist/govuk"
[[ -f "$GF/index.scss" ]] || die "govuk-frontend: dist/govuk/index.scss not found"

log "installing sass@$SASS_VERSION (build tool only)"
mkdir -p "$WORK/sass-tool"
(cd "$WORK/sass-tool" \
  && printf '{"name":"vendor-sass-tool","private":true}\n' >package.json \
  && npm --no-audit --no-fund --no-update-notifier install \
       --ignore-scripts --omit=optional --save-exact --loglevel=error \
       "sass@$SASS_VERSION" >/dev/null)
SASS_BIN="$WORK/sass-tool/node_modules/.bin/sass"
[[ "$("$SASS_BIN" --version)" == "$SASS_VERSION"* ]] || die "sass version mismatch"

# GOV.UK Frontend v6 is a Sass module: settings are configured with
# `@use ... with (...)` (they are !default variables forwarded from
# dist/govuk/settings/). Images go through $govuk-image-url-function so the
# only image the CSS references (the crown crest, used as background-image
# and mask-image by .govuk-footer__copyright-logo::before) becomes a fully
# transparent inline SVG instead of a crown URL. (`none` would not do: with
# mask-image:none that pseudo-element would paint a solid currentcolor block.)
cat >"$WORK/_council-url-handlers.scss" <<EOF
@function image-url(\$filename) {
  @if \$filename == "govuk-crest.svg" {
    @return url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E");
  }
  @return url("${GOVUK_ASSETS_URL}images/#{\$filename}");
}
EOF
cat >"$WORK/govuk-frontend.scss" <<EOF
@use "sass:meta";
@use "council-url-handlers";
@use "govuk-frontend/dist/govuk" as * with (
  \$govuk-font-family: (arial, sans-serif),
  \$govuk-include-default-font-face: false,
  \$govuk-assets-path: "${GOVUK_ASSETS_URL}",
  \$govuk-image-url-function: meta.get-function("image-url", \$module: "council-url-handlers")
);
EOF

log "compiling GOV.UK Frontend Sass"
mkdir -p "$STAGE/govuk-frontend"
CSS="$STAGE/govuk-frontend/govuk-frontend.min.css"
"$SASS_BIN" --no-source-map --style=compressed --quiet-deps \
  --load-path="$PKGS" --load-path="$WORK" \
  "$WORK/govuk-frontend.scss" "$CSS"
printf '%s\t%s\t%s\n' govuk-frontend "$GOVUK_FRONTEND_VERSION" \
  govuk-frontend/govuk-frontend.min.css >>"$WORK/files.tsv"

[[ -s "$CSS" ]] || die "compiled CSS is empty"
grep -qi 'GDS Transport' "$CSS" && die "compiled CSS still mentions GDS Transport"
grep -qi '@font-face' "$CSS" && die "compiled CSS still contains @font-face"
grep -q 'fonts/' "$CSS" && die "compiled CSS still references the fonts/ folder"
CSS_URLS="$(grep -oE 'url\([^)]*\)' "$CSS" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' \
  | grep -v '^data:' | sort -u || true)"
grep -qiE 'crest|crown' <<<"$CSS_URLS" && die "compiled CSS still references a crown/crest image"
for sel in .govuk-table .govuk-tag .govuk-error-summary .govuk-service-navigation; do
  grep -q -- "$sel" "$CSS" || die "compiled CSS lacks $sel"
done

# Copy only the images that the compiled CSS references (none at 6.3.0).
while IFS= read -r url; do
  [[ -z "$url" ]] && continue
  case "$url" in
    "${GOVUK_ASSETS_URL}images/"*) ;;
    *) die "compiled CSS references an unexpected URL: $url" ;;
  esac
  name="${url#"${GOVUK_ASSETS_URL}images/"}"
  case "$name" in
    *crown*|*crest*|favicon*|*icon*|*opengraph*|*manifest*)
      die "compiled CSS references a GOV.UK-branded image: $name" ;;
  esac
  put govuk-frontend "$GOVUK_FRONTEND_VERSION" "$GF/assets/images/$name" \
    "govuk-frontend/assets/images/$name"
done <<<"$CSS_URLS"

put govuk-frontend "$GOVUK_FRONTEND_VERSION" "$GF/govuk-frontend.min.js" \
  govuk-frontend/govuk-frontend.min.js
strip_sourcemap_comment "$STAGE/govuk-frontend/govuk-frontend.min.js"

# The npm tarball ships no licence file (package.json says "MIT"; the README
# says the codebase is MIT-licensed), so write the MIT licence text if needed.
gf_licence="$(find "$PKGS/govuk-frontend" -maxdepth 1 -type f -iname 'licen[cs]e*' | head -n1)"
if [[ -n "$gf_licence" ]]; then
  put govuk-frontend "$GOVUK_FRONTEND_VERSION" "$gf_licence" govuk-frontend/LICENCE.txt
else
  [[ "$(node -p "require('$PKGS/govuk-frontend/package.json').license")" == "MIT" ]] \
    || die "govuk-frontend licence is no longer MIT: review before vendoring"
  cat >"$WORK/govuk-frontend-LICENCE.txt" <<'EOF'
GOV.UK Frontend (npm package "govuk-frontend") is released under the MIT License.
(The npm package contains no licence file; its package.json declares "MIT".)

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
  put govuk-frontend "$GOVUK_FRONTEND_VERSION" "$WORK/govuk-frontend-LICENCE.txt" \
    govuk-frontend/LICENCE.txt
fi

# ---- htmx.org --------------------------------------------------------------
fetch htmx.org "$HTMX_VERSION"
put htmx.org "$HTMX_VERSION" "$PKGS/htmx.org/dist/htmx.min.js" htmx/htmx.min.js
put htmx.org "$HTMX_VERSION" "$PKGS/htmx.org/LICENSE" htmx/LICENSE
grep -q "version:\"$HTMX_VERSION\"" "$STAGE/htmx/htmx.min.js" \
  || die "htmx.min.js does not report version $HTMX_VERSION"

# ---- chart.js --------------------------------------------------------------
fetch chart.js "$CHARTJS_VERSION"
put chart.js "$CHARTJS_VERSION" "$PKGS/chart.js/dist/chart.umd.min.js" chartjs/chart.umd.min.js
strip_sourcemap_comment "$STAGE/chartjs/chart.umd.min.js"
cj_licence="$(find "$PKGS/chart.js" -maxdepth 1 -type f -iname 'licen[cs]e*' | head -n1)"
[[ -n "$cj_licence" ]] || die "chart.js: no licence file in tarball"
put chart.js "$CHARTJS_VERSION" "$cj_licence" "chartjs/$(basename "$cj_licence")"
grep -q 'window.Chart=' "$STAGE/chartjs/chart.umd.min.js" \
  || die "chart.umd.min.js does not define window.Chart"

# ---- VERSIONS.txt ----------------------------------------------------------
{
  echo "# Vendored front-end assets. Generated by scripts/vendor_assets.sh; do not edit."
  echo "# Re-run that script to refresh; change the pins at its top to upgrade."
  echo "#"
  echo "# Packages (npm registry tarball integrity):"
  while IFS=$'\t' read -r pkg version integrity; do
    printf '#   %s@%s %s\n' "$pkg" "$version" "$integrity"
  done <"$WORK/packages.tsv"
  printf '#   sass@%s (build tool only: compiles govuk-frontend.min.css)\n' "$SASS_VERSION"
  echo "#"
  echo "# Notes:"
  echo "# - govuk-frontend.min.css is compiled from dist/govuk/index.scss with"
  echo "#   \$govuk-font-family: arial, sans-serif; \$govuk-include-default-font-face: false;"
  echo "#   \$govuk-assets-path: \"$GOVUK_ASSETS_URL\"; the crown crest image is a transparent inline SVG."
  echo "#   No GDS Transport fonts and no crown/crest images are vendored."
  echo "# - Trailing sourceMappingURL comments are removed from the JS (maps not vendored)."
  echo "#"
  echo "# package version sha256 file (relative to app/static/vendor/)"
  sort -t$'\t' -k3,3 "$WORK/files.tsv" | while IFS=$'\t' read -r pkg version rel; do
    sum="$(sha256sum "$STAGE/$rel" | cut -d' ' -f1)"
    printf '%s %s %s %s\n' "$pkg" "$version" "$sum" "$rel"
  done
} >"$STAGE/VERSIONS.txt"

# ---- swap the staged output into place --------------------------------------
mkdir -p "$VENDOR_DIR"
for d in "${MANAGED_DIRS[@]}"; do
  rm -rf "${VENDOR_DIR:?}/$d"
done
rm -f "$VENDOR_DIR/VERSIONS.txt"
cp -R "$STAGE/." "$VENDOR_DIR/"

log "done: vendored files in ${VENDOR_DIR#"$REPO_ROOT"/}"
(cd "$VENDOR_DIR" && find . -type f -printf '%s\t%P\n' | sort -k2 >&2)
