#!/usr/bin/env bash
# Fetches legitimate mail that a registry package ships, pinned and checked by sha256, and renders it
# into a training source beside ../shared/data (models/email/README.md, "Legitimate mail from the
# registries"): Keycloak's account mail (Maven Central org.keycloak:keycloak-themes), short security
# and account notices with one link in 31 languages, rendered as a training source; and
# django-allauth's account mail (PyPI, pinned by sha256 in allauth-requirements.txt), plain text in 46
# languages, rendered as .eml for scoring (allauth/).
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
