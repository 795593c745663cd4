#!/bin/sh
# The three served measurements of a domain version (test split, unseen lists, resolver-like hosts) as the
# card's tables use them, written to /tmp/slice/out/TAG-*.json (models/training/slice-rule-compare.py reads them):
#   scripts/domain/served-slice-rule.sh TAG MODELSDIR MODELVERSIONDIR [--allow-unsigned]
TAG=$1; MODELS=$2; MODEL=$3; AU=$4
cd "$(dirname "$0")/../.."
C=models/training/.work/crypto; M=models/training/.work/malware; L=models/training/.work/long-tail; R=models/training/.work/resolver
O=${OUT:-/tmp/slice/out}; mkdir -p $O
nice -n 10 npx tsx scripts/domain/measure-platform-own.ts --models $MODELS $AU --out $O/$TAG-platform-own-sources.json > $O/$TAG-own.log 2>&1
nice -n 10 npx tsx scripts/domain/measure-long-tail.ts --model $MODEL --models $MODELS --out $O/$TAG-unseen-lists.json --served $AU --top 30 --sources models/training/domain-resolver-sources.json --malicious crypto_phishing --malicious crypto_phishing_newest --malicious urlhaus_hosts --malicious ublock_badware crypto_phishing=$C/crypto-phishing-hosts.tsv crypto_phishing_newest=$C/crypto-phishing-newest.tsv urlhaus_hosts=$M/urlhaus-hosts.tsv ublock_badware=$M/ublock-badware-hosts.tsv crypto_legit=$C/crypto-legit-hosts.tsv debian_homepage=$L/debian-homepage-hosts.tsv psl_private=$L/psl-private-hosts.tsv:organisation > $O/$TAG-unseen.log 2>&1
nice -n 10 npx tsx scripts/domain/measure-long-tail.ts --model $MODEL --models $MODELS --served $AU --top 40 --sources models/training/domain-resolver-sources.json --out $O/$TAG-resolver-hosts.json aws_endpoints=$R/aws-endpoint-hosts.tsv:provider google_api=$R/google-api-hosts.tsv:provider telemetry_cname=$R/telemetry-cname-hosts.tsv:provider telemetry_cname_held_out=$R/telemetry-cname-hosts-held_out.tsv:provider telemetry_first_party=$R/telemetry-first-party-hosts.tsv:provider telemetry_first_party_held_out=$R/telemetry-first-party-hosts-held_out.tsv:provider trackers=$R/tracker-hosts.tsv:provider trackers_held_out=$R/tracker-hosts-held_out.tsv:provider tracker_evasive=$R/tracker-evasive-hosts.tsv:provider apt_mirrors=$R/apt-mirror-hosts.tsv:provider apt_mirrors_held_out=$R/apt-mirror-hosts-held_out.tsv:provider > $O/$TAG-resolver.log 2>&1
echo done > $O/$TAG.done
