"""The catalogs are complete, compiled and current; the English UI has no Chinese left."""
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {lang: ROOT / "locale" / lang / "LC_MESSAGES" for lang in ("zh_Hans", "en")}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _entries(po: Path):
    """(msgid, msgstr, flags) of every entry except the header, by a small .po reader."""
    entries, current, key, flags, context = [], None, None, "", None

    def unquote(s):
        return s[1:-1].encode("raw_unicode_escape").decode("unicode_escape")

    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgctxt "):
            context = unquote(line[8:])
        elif line.startswith("msgid "):
            current, key = {"msgid": unquote(line[6:]), "flags": flags, "msgctxt": context}, "msgid"
        elif line.startswith("msgid_plural "):
            current["msgid_plural"], key = unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgstr"):
            key = line.split(" ", 1)[0]
            current[key] = unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and current is not None:
            current[key] += unquote(line)
        elif not line.strip() and current is not None:
            if current["msgid"]:
                entries.append(current)
            current, flags, context = None, "", None
    return entries


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = _entries(CATALOGS[lang] / "django.po")
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries
                    if not e.get("msgstr", e.get("msgstr[0]")) or "fuzzy" in e["flags"]]
    assert untranslated == []


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_the_compiled_catalog_matches_the_source(lang):
    with open(CATALOGS[lang] / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    def lookup(entry):
        if entry["msgctxt"] is not None:
            return compiled.pgettext(entry["msgctxt"], entry["msgid"])
        return compiled.gettext(entry["msgid"])

    stale = [e["msgid"] for e in _entries(CATALOGS[lang] / "django.po")
             if "msgid_plural" not in e and lookup(e) != e["msgstr"]]
    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalog_holds_every_string_marked_in_the_code(tmp_path):
    """makemessages on a copy of the tree finds no string the committed catalog lacks."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "media", "staticfiles", "test-artifacts", "*.sqlite3", "__pycache__"))
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location",
                    "--ignore=tests", "--ignore=bench"], cwd=copy, check=True,
                   capture_output=True, timeout=120)
    fresh = {e["msgid"] for e in _entries(copy / "locale/en/LC_MESSAGES/django.po")}
    committed = {e["msgid"] for e in _entries(CATALOGS["en"] / "django.po")}
    assert sorted(fresh - committed) == []


def test_the_english_login_page_has_no_chinese_left(client):
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/login/").content.decode()
    visible = re.sub(r"<[^>]+>", " ", page).replace("简体中文", "")
    assert CJK.findall(visible) == []
    assert "Sign in" in page or "Log in" in page
