#!/bin/sh
# What the service answers (scripts/url/measure-url-list.ts) for the URL platform slice's lists, as the card's
# slice-rule tables use them: the raw.githubusercontent.com probe, the mail platform links, URLhaus, and the
# lists `measure-platform-slice.ts --write-lists LISTS` writes (evaluate half, test split's phishing platform URLs).
# Written to models/training/results/url-slice-rule-served-url-VERSION-NAME.json (logs in /tmp/urlslice;
# models/training/url-slice-rule-compare.py reads them):
#   scripts/url/served-slice-rule.sh VERSION MODELSDIR LISTS
V=$1; MODELS=$2; LISTS=$3
cd "$(dirname "$0")/../.."
W=models/training/.work; O=models/training/results/url-slice-rule-served; mkdir -p /tmp/urlslice
for l in raw-github-probe:$W/probes/raw-githubusercontent-debian.txt mail-platform-urls:$W/probes/mail-platform-urls.txt \
    urlhaus-urls:$W/malware/urlhaus-urls.txt installed-evaluate:$LISTS/installed_software_evaluate.txt \
    openphish-test-platform:$LISTS/openphish-host-homepages_test_platform.txt \
    phishcrawl-test-platform:$LISTS/phishcrawl-phishing_test_platform.txt \
    csirtg-test-platform:$LISTS/csirtg-urlsml-blacklist_test_platform.txt \
    pdd-test-platform:$LISTS/pdd-sahingoz-phishing_test_platform.txt; do
  nice -n 10 npx tsx scripts/url/measure-url-list.ts --models $MODELS --allow-unsigned --pins url=$V \
      --out $O-url-$V-${l%%:*}.json ${l#*:} > /tmp/urlslice/url-$V-${l%%:*}.log 2>&1
done
