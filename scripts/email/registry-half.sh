#!/usr/bin/env bash
# Legitimate account mail of HALF the languages, as training sources, so that the other half stays a
# left-out-language evaluation (models/email/README.md, "Candidate email/6"): Keycloak's HTML bodies
# (scripts/email/fetch-registry-ham.sh) and Gitea's mail (rendered by the same script on the ham
# branch; GITEA= names another folder of gitea-<lang>/ subfolders) of the training languages only.
# django-allauth and every other language are never trained on.
#
#   scripts/email/registry-half.sh     # -> models/training/.work/registry-half/{data,gitea-train}
#   DATA=models/training/.work/registry-half/data models/training/train.sh email 4 \
#       --sources models/training/email-6-registry-half-sources.json ...
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
reg=${WORK:-models/training/.work}/registry-ham
out=${WORK:-models/training/.work}/registry-half
gitea=${GITEA:-$reg/gitea}
shared=${SHARED_DATA:-../shared/data}
# Training languages (by base code); the left-out ones include the languages v3 raised (pt, ja, de, nl, es).
train=" en fr it pl cs sk sl hr ca az kk ky el hu uk fi lt no nb sv ga is lv si "
in_train() { local b=${1%%[-_]*}; [[ "$train" == *" $b "* ]]; }

rm -rf "$out" && mkdir -p "$out/data/emails" "$out/kc" "$out/gitea-train"
for f in "$shared"/emails/*; do ln -sfn "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$out/data/emails/"; done
for d in "$reg"/rendered/html/keycloak-*; do
  lang=${d##*/keycloak-}
  if in_train "$lang"; then cp -r "$d" "$out/kc/"; fi
done
{
  head -1 "$reg/rendered/manifest.csv"
  for d in "$out"/kc/*; do grep "^$(basename "$d")/" "$reg/rendered/manifest.csv"; done
} >"$out/data/emails/keycloak_train_manifest.csv"
tar --sort=name --mtime=2025-01-01 --owner=0 --group=0 --numeric-owner -C "$out/kc" -cf - $(cd "$out/kc" && ls) |
  gzip -n -9 >"$out/data/emails/keycloak_train.tar.gz"
for d in "$gitea"/gitea-*; do
  lang=${d##*/gitea-}
  if in_train "$lang"; then
    for f in "$d"/*.eml; do ln -sfn "$(cd "$d" && pwd)/$(basename "$f")" "$out/gitea-train/${lang}__$(basename "$f")"; done
  fi
done
echo "registry-half: $(($(wc -l <"$out/data/emails/keycloak_train_manifest.csv") - 1)) Keycloak bodies, $(ls "$out/gitea-train" | wc -l) Gitea messages of the training languages" >&2
