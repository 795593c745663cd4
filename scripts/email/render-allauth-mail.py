"""
Renders django-allauth's account mail (PyPI django-allauth, MIT) as allauth sends it: every
`templates/account/email/<name>_message.txt` and `_subject.txt`, through Django's own template engine
and allauth's shipped gettext catalogues, in each of its 46 languages. Short plain-text account mail
with one link or code (confirm your address, reset your password, your e-mail was changed, a sign-in
code): the plain-text twin of the Keycloak notices (render-keycloak-mail.ts), from another product.
scripts/email/fetch-registry-ham.sh runs it in the pinned environment of allauth-requirements.txt.

    python render-allauth-mail.py OUT_DIR      # writes OUT_DIR/<name>.<lang>.eml

Each file is the message allauth would send minus the headers Django adds (From, To, Date,
Message-ID): Subject (allauth's `[site] ...` prefix) and the text/plain body. Site names, domains,
users, IPs, dates and tokens vary by a hash of template and language; the sites are invented (no
real deployment is named). A language whose text equals the English one (untranslated) is skipped.
"""

import base64
import datetime
import hashlib
import os
import sys
import types

import django
from django.conf import settings

SITES = [
    ("Bücherei Nord", "buecherei-nord"),
    ("Atelier Vélo", "atelier-velo"),
    ("Kooperativa", "kooperativa"),
    ("Fotoclub Oost", "fotoclub-oost"),
    ("Hanami Market", "hanami-market"),
    ("Radio Libre", "radio-libre"),
]
TLD = {
    "de": "de", "fr": "fr", "es": "es", "it": "it", "ja": "jp", "pl": "pl", "cs": "cz", "sk": "sk",
    "nl": "nl", "pt_PT": "pt", "pt_BR": "com.br", "ru": "ru", "uk": "ua", "tr": "com.tr", "sv": "se",
    "nb": "no", "da": "dk", "fi": "fi", "hu": "hu", "el": "gr",
}  # fmt: skip
USERS = ["mkeller", "sofia.r", "jdubois", "kenji", "anowak", "lrossi"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
]


def pick(seed: str, what: str, n: int) -> int:
    """A stable choice in range(n) for one rendering (never one constant filler the model could learn)."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{what}".encode()).digest()[:4], "big") % n


def context_for(name: str, lang: str) -> dict:
    seed = f"{name}:{lang}"
    site_name, slug = SITES[pick(seed, "site", len(SITES))]
    domain = f"{slug}.{TLD.get(lang, 'org')}"
    token = hashlib.sha256(f"tok:{seed}".encode()).hexdigest()
    username = USERS[pick(seed, "user", len(USERS))]
    email = f"{username}@{domain}"
    when = datetime.datetime(2025, 1, 1) + datetime.timedelta(minutes=pick(seed, "t", 640 * 1440))
    return {
        "current_site": types.SimpleNamespace(name=site_name, domain=domain),
        "user": types.SimpleNamespace(username=username, email=email, pk=1, first_name="", last_name=""),
        "username": username,
        "email": email,
        "activate_url": f"https://{domain}/accounts/confirm-email/{token[:22]}:{token[22:28]}/",
        "password_reset_url": f"https://{domain}/accounts/password/reset/key/{pick(seed, 'uid', 90) + 10}-{token[:6]}-{token[6:38]}/",
        "signup_url": f"https://{domain}/accounts/signup/",
        "code": str(100000 + pick(seed, "code", 900000)) if "code" in name else None,
        "ip": f"{['198.51.100', '203.0.113', '192.0.2'][pick(seed, 'net', 3)]}.{pick(seed, 'ip', 250) + 2}",
        "user_agent": AGENTS[pick(seed, "ua", len(AGENTS))],
        "timestamp": when.strftime("%Y-%m-%d %H:%M"),
        "from_email": f"old.{email}",
        "to_email": email,
        "deleted_email": f"old.{email}",
    }


def main(out: str) -> None:
    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sites", "allauth", "allauth.account"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        MIDDLEWARE=["allauth.account.middleware.AccountMiddleware"],
        USE_I18N=True, LANGUAGE_CODE="en", SITE_ID=1, DATABASES={}, SECRET_KEY="render-only",
    )  # fmt: skip
    django.setup()
    import allauth
    from django.template.loader import render_to_string
    from django.utils import translation

    root = os.path.dirname(allauth.__file__)
    langs = sorted(os.listdir(os.path.join(root, "locale")))
    folder = os.path.join(root, "templates", "account", "email")
    # email_confirm is a compatibility alias of email_confirmation; base_* are layouts.
    names = sorted(
        f[: -len("_message.txt")]
        for f in os.listdir(folder)
        if f.endswith("_message.txt") and not f.startswith("base") and f != "email_confirm_message.txt"
    )
    os.makedirs(out, exist_ok=True)
    count = 0
    for lang in langs:
        for name in names:
            ctx = context_for(name, lang)
            with translation.override("en"):
                english = render_to_string(f"account/email/{name}_message.txt", ctx).strip()
            with translation.override(lang.replace("_", "-")):
                body = render_to_string(f"account/email/{name}_message.txt", ctx).strip()
                subject = " ".join(render_to_string(f"account/email/{name}_subject.txt", ctx).split())
            if lang != "en" and body == english:
                continue  # untranslated: the English mail, kept once
            subject = f"[{ctx['current_site'].name}] {subject}"  # allauth's default subject prefix
            eml = (
                f"Subject: =?utf-8?B?{base64.b64encode(subject.encode()).decode()}?=\r\n"
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + body.replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n"
            )
            with open(os.path.join(out, f"{name}.{lang}.eml"), "w", newline="", encoding="utf-8") as f:
                f.write(eml)
            count += 1
    print(f"render-allauth-mail: {count} messages, {len(langs)} languages", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
