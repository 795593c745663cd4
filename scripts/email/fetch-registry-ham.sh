#!/usr/bin/env bash
# Fetches legitimate mail that a registry package ships, pinned and checked by sha256, and renders it
# into a training source beside ../shared/data (models/email/README.md, "Legitimate mail from the
# registries"): Keycloak's account mail (Maven Central org.keycloak:keycloak-themes), short security
# and account notices with one link in 31 languages, rendered as a training source; and
# django-allauth's account mail (PyPI, pinned by sha256 in allauth-requirements.txt), plain text in 46
# languages, rendered as .eml for scoring (allauth/); Gitea's notification and account mail (Go
# module code.gitea.io/gitea) in 25 languages (gitea/); Ghost's member mail (npm ghost) in 62 (ghost/);
# the real mail that three mail libraries
# ship as test data, listed with language and kind in library-mail.tsv (library-mail/); and the
# person-to-person mail of a Debian source package's test mailbox (bogofilter, through `apt-get source`
# with a private apt configuration), listed in personal-mail.tsv (personal-mail/).
#
#   scripts/email/fetch-registry-ham.sh            # -> models/training/.work/registry-ham/
#   DATA=models/training/.work/registry-ham/data models/training/train.sh email 4 --sources ...
#
# The data folder it leaves holds links to ../shared/data/emails/* plus the rendered source, so a
# sources file can name it like any shared archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=${WORK:-models/training/.work}/registry-ham
shared=${SHARED_DATA:-../shared/data}
mkdir -p "$work/fetch"

# group:artifact:version, file, sha256 (of the file as the registry serves it)
keycloak_gav=org.keycloak:keycloak-themes:26.4.0
keycloak_jar=keycloak-themes-26.4.0.jar
keycloak_sha256=c484a82d853909846fec04102a7c07fa1c03b157a8a67d6a83b5c4df803a2b38

if [ ! -f "$work/fetch/$keycloak_jar" ]; then
  mvn -q dependency:copy -Dartifact="$keycloak_gav:jar" -DoutputDirectory="$work/fetch" >&2
fi
echo "$keycloak_sha256  $work/fetch/$keycloak_jar" | sha256sum --check --quiet

rm -rf "$work/keycloak" && mkdir -p "$work/keycloak"
unzip -q "$work/fetch/$keycloak_jar" 'theme/base/email/*' -d "$work/keycloak"
out="$work/rendered" && rm -rf "$out" && mkdir -p "$out"
npx tsx scripts/email/render-keycloak-mail.ts --theme "$work/keycloak/theme/base/email" \
  --out "$out" --origin "Maven Central $keycloak_gav"

# The archive as the export reads `html-bodies` sources: members and manifest, byte-stable.
mkdir -p "$work/data/emails"
tar --sort=name --mtime=2025-01-01 --owner=0 --group=0 --numeric-owner -C "$out/html" -cf - $(cd "$out/html" && ls) |
  gzip -n -9 >"$work/data/emails/keycloak_email_templates.tar.gz"
cp "$out/manifest.csv" "$work/data/emails/keycloak_email_templates_manifest.csv"
for f in "$shared"/emails/*; do ln -sfn "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$work/data/emails/"; done
sha256sum "$work/data/emails/keycloak_email_templates.tar.gz" "$work/data/emails/keycloak_email_templates_manifest.csv"
echo "fetch-registry-ham: $(($(wc -l <"$out/manifest.csv") - 1)) Keycloak bodies; text twins (.eml) in $out/text" >&2

# django-allauth renders with Django itself, in a virtualenv of exactly the hashed pins.
python=$(npx tsx scripts/python-env.ts scripts/email/allauth-requirements.txt)
rm -rf "$work/allauth"
"$python" scripts/email/render-allauth-mail.py "$work/allauth"
(cd "$work/allauth" && cat *.eml | sha256sum | sed 's/-$/allauth\/*.eml (concatenated, sorted)/')

# Gitea's mail (Go module code.gitea.io/gitea, MIT): its templates/mail rendered in every language its
# locale files translate, as .eml with Gitea's subjects and html2text alternative (render-gitea-mail/).
gitea_version=v1.27.3
gitea_sum=h1:SRnjvw24ASELKCqyYvAWIlzwOqyFMgfD+UkqQ9SE5eU=
gitea_json=$(cd scripts/email/render-gitea-mail && go mod download -json "code.gitea.io/gitea@$gitea_version")
gitea_dir=$(echo "$gitea_json" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
[ "$(echo "$gitea_json" | sed -n 's/.*"Sum": "\(.*\)",/\1/p')" = "$gitea_sum" ] || { echo "code.gitea.io/gitea@$gitea_version: sum differs" >&2; exit 1; }
rm -rf "$work/gitea"
gitea_out=$(realpath -m "$work/gitea")
(cd scripts/email/render-gitea-mail && go run . -gitea "$gitea_dir" -out "$gitea_out")
(cd "$work/gitea" && cat gitea-*/*.eml | sha256sum | sed 's/-$/gitea\/*\/*.eml (concatenated, sorted)/')

# Ghost's member mail (npm ghost, MIT): sign-in link and code, sign-up, paid sign-up, subscription and
# address-change confirmations in the languages of its @tryghost/i18n catalogue (shipped inside the
# package as components/tryghost-i18n-0.0.0.tgz), rendered by render-ghost-mail.ts (ghost/).
ghost_tgz=ghost-6.65.0.tgz
ghost_sha256=891f68c7da02fe376b1a23e1f28e311da6304dbc95a81b589ff5c4be2c91dc89
[ -f "$work/fetch/$ghost_tgz" ] || (cd "$work/fetch" && npm pack -q ghost@6.65.0 >/dev/null)
echo "$ghost_sha256  $work/fetch/$ghost_tgz" | sha256sum --check --quiet
rm -rf "$work/ghost" "$work/ghost-src" && mkdir -p "$work/ghost-src/i18n"
tar -xzf "$work/fetch/$ghost_tgz" -C "$work/ghost-src" package/core/server/services/members/emails \
  package/core/server/services/members/api.js package/components/tryghost-i18n-0.0.0.tgz
tar -xzf "$work/ghost-src/package/components/tryghost-i18n-0.0.0.tgz" -C "$work/ghost-src/i18n" package/locales
npx tsx scripts/email/render-ghost-mail.ts --ghost "$work/ghost-src/package" \
  --i18n "$work/ghost-src/i18n/package/locales" --out "$work/ghost" 2>/dev/null
rm -rf "$work/ghost-src"
(cd "$work/ghost" && cat ghost-*/*.eml | sha256sum | sed 's/-$/ghost\/*\/*.eml (concatenated, sorted)/')

# Mail that mail libraries ship as test data, kept by hand (scripts/email/library-mail.tsv names each
# message kept, its language, kind and shape; everything else in those folders is parser test mail):
# Apache James' mailbox-store test jar (Apache-2.0), talon 1.4.3's sdist (Apache-2.0; 1.4.4 dropped
# its tests) and email-reply-parser 1.4.2's npm package (MIT; later versions ship no fixtures).
# Bodies without headers are written as the export wraps them: a Content-Type line, a blank line.
james_gav=org.apache.james:apache-james-mailbox-store:3.9.0:jar:tests
james_jar=apache-james-mailbox-store-3.9.0-tests.jar
james_sha256=843e562e28a02eaaa02ec05418ee8636bc9568a0a6c7ccd62eaa65b930b6569e
talon_sdist=talon-1.4.3.tar.gz
talon_sha256=1a260153b76b44a7fc8df9d07381b49ed653c1bc6b13a1825d1ec57c3fdf6388
erp_tgz=email-reply-parser-1.4.2.tgz
erp_sha256=be8c04d2404b59584ad6c68f961002cb7e7fd3d0215a64dd25f90d940d50c7a5
[ -f "$work/fetch/$james_jar" ] || mvn -q -B dependency:copy -Dartifact="$james_gav" -DoutputDirectory="$work/fetch" >&2
[ -f "$work/fetch/$talon_sdist" ] || "$python" -m pip download -q --no-deps --no-binary :all: -d "$work/fetch" talon==1.4.3 >&2
[ -f "$work/fetch/$erp_tgz" ] || (cd "$work/fetch" && npm pack -q email-reply-parser@1.4.2 >/dev/null)
printf '%s  %s\n' "$james_sha256" "$work/fetch/$james_jar" "$talon_sha256" "$work/fetch/$talon_sdist" \
  "$erp_sha256" "$work/fetch/$erp_tgz" | sha256sum --check --quiet
lib="$work/library-mail" && rm -rf "$lib" && mkdir -p "$lib/unpacked"/{james-mailbox-store,talon,email-reply-parser}
unzip -q "$work/fetch/$james_jar" 'eml/*' -d "$lib/unpacked/james-mailbox-store"
tar -xzf "$work/fetch/$talon_sdist" -C "$lib/unpacked/talon" --strip-components=1
tar -xzf "$work/fetch/$erp_tgz" -C "$lib/unpacked/email-reply-parser"
printf 'file\tsource\tlanguage\tkind\tshape\tdate\tnote\n' >"$lib/manifest.tsv"
tail -n +2 scripts/email/library-mail.tsv | while IFS=$'\t' read -r source member language kind shape date note; do
  parent=$(basename "$(dirname "$member")") name=$(basename "$member")
  file="$source/$source-$parent-${name%.*}.eml"
  mkdir -p "$lib/$source"
  case $shape in
    message) cp "$lib/unpacked/$source/$member" "$lib/$file" ;;
    body-text) { printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'; cat "$lib/unpacked/$source/$member"; } >"$lib/$file" ;;
    body-html) { printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'; cat "$lib/unpacked/$source/$member"; } >"$lib/$file" ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$source" "$language" "$kind" "$shape" "$date" "$note" >>"$lib/manifest.tsv"
done
rm -rf "$lib/unpacked"
(cd "$lib" && cat */*.eml | sha256sum | sed 's/-$/library-mail\/*\/*.eml (concatenated, sorted)/')
# Personal mail (issue 13: short person-to-person mail, which training lacks): the messages people wrote
# to each other inside a Debian source package's test data, kept one by one in
# scripts/email/personal-mail.tsv (member `file#N` = the Nth message of an mbox, from 0). bogofilter
# 1.2.5's good.mbx (GPL-2.0 package; one user's mailbox of 2002-11-01: a co-author's notes and replies,
# a friend's, an out-of-office; its list posts, newsletters and daemon mail are not taken). Debian's
# source packages need a deb-src entry, which this machine's apt sources lack: a private apt
# configuration under $work/apt lists bookworm's sources without touching the system's.
bogofilter_orig=bogofilter_1.2.5.orig.tar.xz
bogofilter_sha256=3248a1373bff552c500834adbea4b6caee04224516ae581fb25a4c6a6dee89ea
if [ ! -f "$work/fetch/$bogofilter_orig" ]; then
  apt_dir=$(realpath -m "$work/apt") && mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache" "$apt_dir/get"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$apt_dir/parts/bookworm-src.sources"
  apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  apt-get "${apt_opts[@]}" -qq update >&2
  chmod 777 "$apt_dir/get" && (cd "$apt_dir/get" && apt-get "${apt_opts[@]}" -qq source --download-only bogofilter=1.2.5-1 >&2)
  cp "$apt_dir/get/$bogofilter_orig" "$work/fetch/"
fi
echo "$bogofilter_sha256  $work/fetch/$bogofilter_orig" | sha256sum --check --quiet
pm="$work/personal-mail" && rm -rf "$pm" && mkdir -p "$pm/unpacked/bogofilter"
tar -xJf "$work/fetch/$bogofilter_orig" -C "$pm/unpacked/bogofilter" --strip-components=1 bogofilter-1.2.5/src/tests/inputs/good.mbx
printf 'file\tsource\tlanguage\tkind\tshape\tdate\tnote\n' >"$pm/manifest.tsv"
tail -n +2 scripts/email/personal-mail.tsv | while IFS=$'\t' read -r source member language kind date note; do
  path=${member%#*} index=${member##*#}
  file="$source/$source-$(basename "${path%.*}")-$(printf '%02d' "$index").eml"
  mkdir -p "$pm/$source"
  python3 -c 'import mailbox, sys; sys.stdout.buffer.write(mailbox.mbox(sys.argv[1], create=False).get_bytes(int(sys.argv[2])))' \
    "$pm/unpacked/$source/$path" "$index" >"$pm/$file"
  printf '%s\t%s\t%s\t%s\tmessage\t%s\t%s\n' "$file" "$source" "$language" "$kind" "$date" "$note" >>"$pm/manifest.tsv"
done
rm -rf "$pm/unpacked"
(cd "$pm" && cat */*.eml | sha256sum | sed 's/-$/personal-mail\/*\/*.eml (concatenated, sorted)/')
echo "fetch-registry-ham: $(($(wc -l <"$work/gitea/manifest.tsv") - 1)) Gitea mails, $(($(wc -l <"$work/ghost/manifest.tsv") - 1)) Ghost mails, $(($(wc -l <"$lib/manifest.tsv") - 1)) library test mails, $(($(wc -l <"$pm/manifest.tsv") - 1)) personal mails" >&2
